"""The statuses a goal can have, and the rules that give them, in plain Dutch.

:data:`STATUS_RULES_NL` is what the method page and every report print; :mod:`tussenstand.progress.rules`
follows it step by step.
"""

from __future__ import annotations

from enum import Enum


class Status(Enum):
    """The status of a goal at a report period; ``.label`` is what the reader sees."""

    BEREIKT = "bereikt"
    OP_KOERS = "op koers"
    ACHTER_OP_SCHEMA = "achter op schema"
    VERKEERDE_RICHTING = "verkeerde richting"
    NOG_NIET_TE_BEOORDELEN = "nog niet te beoordelen"
    NULMETING_ONTBREEKT = "nulmeting ontbreekt"
    GEEN_METING = "geen meting"

    @property
    def label(self) -> str:
        return self.value

    @property
    def order(self) -> int:
        """Stable sort order for tables: from reached to no data."""
        return _STATUS_ORDER.index(self)

    @classmethod
    def ordered(cls) -> list[Status]:
        return list(_STATUS_ORDER)


_STATUS_ORDER = (
    Status.BEREIKT,
    Status.OP_KOERS,
    Status.ACHTER_OP_SCHEMA,
    Status.VERKEERDE_RICHTING,
    Status.NOG_NIET_TE_BEOORDELEN,
    Status.NULMETING_ONTBREEKT,
    Status.GEEN_METING,
)

# For goals per district: the goal stands as its worst district (first in this list wins).
DISTRICT_SEVERITY = (
    Status.VERKEERDE_RICHTING,
    Status.ACHTER_OP_SCHEMA,
    Status.GEEN_METING,
    Status.NOG_NIET_TE_BEOORDELEN,
    Status.OP_KOERS,
    Status.BEREIKT,
)

STATUS_RULES_NL = """\
## Hoe we de stand van een doel bepalen

Elk doel uit het beleidsplan heeft een **startpunt** (de nulmeting), een **doelwaarde** en een
**doeljaar**. Een cijfer telt mee op het moment dat de periode voorbij is: de nulmeting van 2023 op
31 december 2023, een doel voor 2027 op 31 december 2027, een meting over schooljaar 2024-2025 op
31 juli 2025. Voor een rapport over een periode tellen alleen metingen over perioden die aan het eind
van die rapportperiode voorbij zijn. Ontbrekende cijfers tellen niet mee.

### De doelwaarde

- **Een niveau** ("minstens 60%", "maximaal 1.100 huishoudens"): de doelwaarde is dat niveau.
- **Een verandering** ("20% minder dan 244 nachten"): de doelwaarde rekenen we uit vanaf de
  nulmeting: 244 min 20% = 195,2 nachten.
- **Een plafond op groei** ("de kosten zijn maximaal 9% gestegen ten opzichte van € 2.864"): de
  doelwaarde is een bovengrens: € 2.864 plus 9% = € 3.121,76.
- **Gelijk blijven** ("gelijk op het niveau van 79,91"): de doelwaarde is de nulmeting. Omdat
  cijfers altijd wat schommelen, rekenen we een afwijking tot 2% (tenzij het plan iets anders zegt)
  nog als gelijk. "Gelijk of lager" is een bovengrens zonder marge.
- **Groei per jaar** ("stijgt met minimaal 10% per jaar"): elk jaar 10% bovenop het jaar ervoor,
  tot het doeljaar. Heeft het plan geen nulmeting, dan geldt de eerste meting als startpunt.
- **In elke wijk** ("in elke wijk minimaal vijf bewonersinitiatieven"): elke wijk moet het niveau
  halen; we beoordelen elke wijk apart.

### De rechte lijn

Tussen het startpunt en de doelwaarde in het doeljaar trekken we een rechte lijn (bij groei per
jaar een lijn die elk jaar met hetzelfde percentage stijgt). Die lijn zegt waar de waarde had
moeten staan op het moment van de laatste meting. We vergelijken een meting altijd met de lijn op
het moment van *die meting*, niet met vandaag: een gezondheidsmonitor die eens per vier jaar meet
beoordelen we dus naar de stand in het jaar van de meting, en we noemen altijd van wanneer de
laatste meting is.

### De status

- **Bereikt**: de laatste meting haalt de doelwaarde (bij "minstens" erop of erboven, bij
  "hoogstens" erop of eronder, bij "gelijk" binnen de marge). Bij doelen die al gehaald waren bij
  de start (gelijk blijven, een plafond op groei) is een doel pas bereikt als de meting over het
  doeljaar (of later) het haalt; daarvóór is zo'n doel op koers.
- **Op koers**: het doel is nog niet gehaald, maar de laatste meting ligt op of voorbij de rechte
  lijn. Bij een plafond op groei: de kosten liggen op of onder de rechte lijn naar het plafond.
- **Achter op schema**: de waarde beweegt de goede kant op (of staat stil), maar minder snel dan de
  rechte lijn. Bij een plafond op groei: de kosten stijgen sneller dan de lijn naar het plafond,
  maar zitten er nog onder.
- **Verkeerde richting**: de laatste meting staat verder van het doel af dan het startpunt: een
  daling waar een stijging nodig is (of omgekeerd), een waarde die buiten de marge van "gelijk
  blijven" is geraakt, of een plafond dat is overschreden.
- **Nog niet te beoordelen**: er is maar één meting en die geldt zelf als startpunt (het plan had
  geen nulmeting, of de nulmeting stond nog open); pas de volgende meting laat een richting zien.
- **Nulmeting ontbreekt**: het plan noemt de nulmeting nog niet (in het plan staat "x\\*": het
  cijfer kwam later beschikbaar) en er is nog geen meting over die periode. Zodra die meting er
  is, wordt zij de nulmeting en rekenen we de doelwaarde daarmee uit. Een meting over een latere
  periode tonen we wel, maar die vervangt de nulmeting niet: dat zou het doel veranderen.
- **Geen meting**: er is (na de nulmeting) nog geen meting.

### Doelen per wijk

Een doel dat voor elke wijk geldt, beoordelen we per wijk met dezelfde regels (met de nulmeting
van het plan als startpunt, of anders de eerste meting in die wijk). Het doel is bereikt als
elke wijk het haalt. Anders krijgt het doel de status van de wijk die er het slechtst voor staat
(verkeerde richting, dan achter op schema, dan een wijk zonder meting, dan nog niet te
beoordelen, dan op koers): een doel voor elke wijk is zo sterk als de zwakste wijk.

### De prognose

Zijn er minstens twee punten (de nulmeting telt mee), dan trekken we de best passende rechte lijn
door alle punten en verlengen die tot het doeljaar. Die prognose zegt of het doel gehaald wordt
als de ontwikkeling zo doorgaat. Het is een rekensom, geen voorspelling: bij weinig of
schommelende metingen is zij onzeker.

### Illustratieve en voorlopige cijfers

Illustratieve cijfers (geen echte registratie) en voorlopige cijfers van het CBS worden als zodanig
gemarkeerd; de status op basis van illustratieve cijfers zegt niets over de werkelijkheid.
"""
