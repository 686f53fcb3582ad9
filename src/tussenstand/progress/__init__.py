"""Judging goals: where does a goal of a plan stand at a report period?

``status``      the statuses and the rules in plain Dutch (:data:`STATUS_RULES_NL`)
``rules``       the arithmetic of those rules: target, straight path, status, projection
``assess``      :func:`assess_goal` / :func:`assess_goals`: from measurements to an assessment
``assessment``  what it hands on (:class:`GoalAssessment`)
``explain``     the Dutch sentence under each goal
"""

from tussenstand.progress.assess import SUMMARY_COLUMNS, assess_goal, assess_goals
from tussenstand.progress.assessment import DistrictAssessment, GoalAssessment, Point
from tussenstand.progress.explain import format_value
from tussenstand.progress.status import STATUS_RULES_NL, Status

__all__ = [
    "STATUS_RULES_NL",
    "SUMMARY_COLUMNS",
    "DistrictAssessment",
    "GoalAssessment",
    "Point",
    "Status",
    "assess_goal",
    "assess_goals",
    "format_value",
]
