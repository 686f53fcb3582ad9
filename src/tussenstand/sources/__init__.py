"""Where data enters: CBS tables and their national series, the areas table, the wijk- en
buurtkaart files, the municipality's own registrations and the figures quoted in a plan.

Every source ends in the one measurement schema (:mod:`tussenstand.schema`); the cleaning stage
(:mod:`tussenstand.cleaning`) takes it from there.
"""
