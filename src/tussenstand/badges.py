"""A goal's status as a badge: colour *and* text, the same on the website and in the PDF.

A badge is a Pandoc span in the report's Markdown, ``[op koers · illustratief]{.status
.status-op-koers}``: its text always names the status (colour is never the only signal), and
illustrative or provisional figures stay named on it. The colours are here, once:

- the website styles the span with the badge block of ``styles.scss``, which must equal
  :func:`scss_rules` (``tests/test_badges.py`` compares them);
- the PDF: ``filters/status-badges.lua`` turns the span into a call of the typst function
  ``status-badge`` that :func:`typst_definitions` defines in the header of every report.

The fills are the Okabe-Ito colours of the charts (:data:`tussenstand.charts.style.OKABE_ITO`,
told apart by people with a colour vision deficiency) for the four judged statuses and a light
grey with a border for the three without a judgement. The text colour of each badge is the one of
black and white with the higher contrast; :func:`contrast_ratio` (WCAG 2.1) computes it, and every
badge must reach :data:`MIN_CONTRAST` (WCAG AA for normal text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tussenstand.charts.style import OKABE_ITO
from tussenstand.markdown import escape
from tussenstand.progress.status import Status

#: WCAG 2.1 AA: the least contrast between text and its background (success criterion 1.4.3)
MIN_CONTRAST = 4.5
#: the class every badge has; ``status-<key>`` names its status
BADGE_CLASS = "status"
#: between the status and what is special about its figures: ``op koers · illustratief``
MARK_SEPARATOR = " · "
ILLUSTRATIVE_MARK = "illustratief"
PROVISIONAL_MARK = "voorlopig"

BLACK = "#000000"
WHITE = "#FFFFFF"
#: fill and border of a status without a judgement (no colour says 'good' or 'bad')
NEUTRAL_FILL = "#E6E6E6"
NEUTRAL_BORDER = "#8C8C8C"


@dataclass(frozen=True)
class BadgeStyle:
    """The colours of one status's badge (hex ``#RRGGBB``)."""

    fill: str
    border: str | None = None

    @property
    def ink(self) -> str:
        """Black or white text, whichever contrasts more with the fill."""
        return max((BLACK, WHITE), key=lambda colour: contrast_ratio(colour, self.fill))

    @property
    def contrast(self) -> float:
        return contrast_ratio(self.ink, self.fill)


STATUS_STYLES: dict[Status, BadgeStyle] = {
    Status.BEREIKT: BadgeStyle(OKABE_ITO["blauwgroen"]),
    Status.OP_KOERS: BadgeStyle(OKABE_ITO["hemelsblauw"]),
    Status.ACHTER_OP_SCHEMA: BadgeStyle(OKABE_ITO["oranje"]),
    Status.VERKEERDE_RICHTING: BadgeStyle(OKABE_ITO["vermiljoen"]),
    Status.NOG_NIET_TE_BEOORDELEN: BadgeStyle(NEUTRAL_FILL, NEUTRAL_BORDER),
    Status.NULMETING_ONTBREEKT: BadgeStyle(NEUTRAL_FILL, NEUTRAL_BORDER),
    Status.GEEN_METING: BadgeStyle(NEUTRAL_FILL, NEUTRAL_BORDER),
}


# ----- contrast (WCAG 2.1, relative luminance and contrast ratio) ----------------------------------
def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The relative luminance of ``#RRGGBB`` (WCAG 2.1): 0 for black, 1 for white."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"kleur {colour!r}: verwacht #RRGGBB")
    r, g, b = (_channel(int(text[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0,05) / (L2 + 0,05) with L1 the lighter colour: 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# ----- Markdown ---------------------------------------------------------------------------------
def status_key(status: Status) -> str:
    """``op-koers``: the status in a class name (``status-op-koers``) and a typst key."""
    return status.name.lower().replace("_", "-")


def badge(text: str, status: Status) -> str:
    """``text`` as a badge in the colours of ``status`` (a Pandoc span; ``text`` is escaped)."""
    return f"[{escape(text)}]{{.{BADGE_CLASS} .{BADGE_CLASS}-{status_key(status)}}}"


_BADGE_RE = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\{\." + BADGE_CLASS + r" [^}]*\}")


def without_badges(text: str) -> str:
    """``text`` with every badge written as its plain text (a workbook cell, a CSV field):
    ``[op koers · illustratief]{.status .status-op-koers}`` -> ``op koers · illustratief``."""
    return _BADGE_RE.sub(lambda m: re.sub(r"\\(.)", r"\1", m.group(1)), text)


def status_badge(status: Status, *, illustrative: bool = False, provisional: bool = False) -> str:
    """A goal's status as a badge: ``op koers``, ``op koers · illustratief``, ``... · voorlopig``."""
    marks = [
        m for m, on in ((ILLUSTRATIVE_MARK, illustrative), (PROVISIONAL_MARK, provisional)) if on
    ]
    return badge(MARK_SEPARATOR.join([status.label, *marks]), status)


# ----- the website: styles.scss -----------------------------------------------------------------
SCSS_BEGIN = (
    "// ----- status badges: generated from tussenstand.badges.scss_rules(); keep equal -----"
)
SCSS_END = "// ----- end of status badges -----"


def scss_rules() -> str:
    """The badge block of ``styles.scss`` (between :data:`SCSS_BEGIN` and :data:`SCSS_END`)."""
    lines = [
        SCSS_BEGIN,
        f".{BADGE_CLASS} {{",
        "  display: inline-block;",
        "  padding: 0.05em 0.45em;",
        "  border: 1px solid transparent;",
        "  border-radius: 0.25em;",
        "  font-size: 0.9em;",
        "  line-height: 1.4;",
        "}",
    ]
    for status, style in STATUS_STYLES.items():
        border = f" border-color: {style.border};" if style.border else ""
        lines.append(
            f".{BADGE_CLASS}-{status_key(status)} {{ background-color: {style.fill}; "
            f"color: {style.ink};{border} }}"
        )
    lines.append(SCSS_END)
    return "\n".join(lines) + "\n"


# ----- the PDF: typst -----------------------------------------------------------------------------
def _typst_stroke(style: BadgeStyle) -> str:
    return f'0.5pt + rgb("{style.border}")' if style.border else "none"


def typst_badge(text: str, status: Status) -> str:
    """``text`` as a badge in typst code, for typst written directly (the PDF's first page):
    ``#status-badge("bereikt", "3 bereikt")``. The report's Markdown uses :func:`badge`."""
    literal = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'#status-badge("{status_key(status)}", "{literal}")'


def typst_definitions() -> str:
    """typst code for the report's header: ``#status-badge(key, body)``, the function the Lua filter
    ``filters/status-badges.lua`` calls for every badge span. An unknown key gets a plain outline."""
    styles = "\n".join(
        f'  "{status_key(status)}": (fill: rgb("{style.fill}"), ink: rgb("{style.ink}"), '
        f"stroke: {_typst_stroke(style)}),"
        for status, style in STATUS_STYLES.items()
    )
    return (
        "#let status-badge-styles = (\n"
        f"{styles}\n"
        ")\n"
        "#let status-badge(key, body) = {\n"
        "  let style = status-badge-styles.at(\n"
        "    key, default: (fill: none, ink: black, stroke: 0.5pt + black))\n"
        "  box(fill: style.fill, stroke: style.stroke, radius: 2pt, inset: (x: 0.3em),\n"
        "    outset: (y: 0.25em), text(fill: style.ink, size: 0.9em, hyphenate: false, body))\n"
        "}"
    )
