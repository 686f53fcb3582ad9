"""Status badges: colour and text, readable (WCAG AA contrast), the same on the website and in the
PDF. Contrast is checked against the WCAG reference values, the website's colours are read from
styles.scss itself, and the PDF's from a PDF that typst made through the project's Lua filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tussenstand import badges
from tussenstand.charts.style import OKABE_ITO
from tussenstand.nlformat import fmt_number
from tussenstand.progress import Status

ROOT = Path(__file__).resolve().parents[1]
BADGE_FILTER = ROOT / "filters" / "status-badges.lua"
HEADINGS_FILTER = ROOT / "filters" / "typst-headings.lua"


def rgb(colour: str) -> tuple[float, float, float]:
    """``#56B4E9`` as fractions of 255, as a PDF writes a fill colour."""
    text = colour.lstrip("#")
    return tuple(int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))


# ----- contrast ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("#000000", "#FFFFFF", 21.0),  # the largest contrast there is
        ("#FFFFFF", "#FFFFFF", 1.0),  # none
        ("#767676", "#FFFFFF", 4.54),  # the lightest grey that passes AA on white (WebAIM)
        ("#777777", "#FFFFFF", 4.48),  # one step lighter fails
        ("#0000FF", "#FFFFFF", 8.59),  # pure blue on white (WebAIM contrast checker)
    ],
)
def test_contrast_ratio_matches_the_wcag_reference_values(first, second, expected):
    assert badges.contrast_ratio(first, second) == pytest.approx(expected, abs=0.005)
    assert badges.contrast_ratio(second, first) == pytest.approx(expected, abs=0.005)


def test_every_status_has_a_badge_with_readable_text():
    assert set(badges.STATUS_STYLES) == set(Status)
    for status, style in badges.STATUS_STYLES.items():
        assert style.ink in (badges.BLACK, badges.WHITE), status
        assert badges.contrast_ratio(style.ink, style.fill) >= badges.MIN_CONTRAST == 4.5, status


def test_the_judged_statuses_have_okabe_ito_colours_of_their_own():
    judged = [Status.BEREIKT, Status.OP_KOERS, Status.ACHTER_OP_SCHEMA, Status.VERKEERDE_RICHTING]
    fills = [badges.STATUS_STYLES[s].fill for s in judged]
    assert len(set(fills)) == 4 and set(fills) <= set(OKABE_ITO.values())
    # the statuses without a judgement share one neutral look, with a border
    open_ = [badges.STATUS_STYLES[s] for s in set(Status) - set(judged)]
    assert {(s.fill, s.border) for s in open_} == {(badges.NEUTRAL_FILL, badges.NEUTRAL_BORDER)}


def test_the_lowest_contrast_in_the_method_notes_is_the_real_one():
    lowest = min(style.contrast for style in badges.STATUS_STYLES.values())
    notes = (ROOT / "docs" / "aqa" / "aannames-en-beperkingen.md").read_text(encoding="utf-8")
    assert f"de laagste is {fmt_number(lowest, 2)}:1" in notes


# ----- the Markdown --------------------------------------------------------------------------------
def test_a_badge_says_its_status_and_what_is_special_about_its_figures():
    assert badges.status_badge(Status.OP_KOERS) == "[op koers]{.status .status-op-koers}"
    assert (
        badges.status_badge(Status.ACHTER_OP_SCHEMA, illustrative=True, provisional=True)
        == "[achter op schema · illustratief · voorlopig]{.status .status-achter-op-schema}"
    )
    assert (
        badges.status_badge(Status.GEEN_METING, provisional=True)
        == "[geen meting · voorlopig]{.status .status-geen-meting}"
    )
    # text from data is escaped: a '*' or ']' is shown, not read as Markdown
    assert badges.badge("3 *bereikt*]", Status.BEREIKT) == (
        r"[3 \*bereikt\*\]]{.status .status-bereikt}"
    )


# ----- the website ---------------------------------------------------------------------------------
def test_styles_scss_holds_the_badge_block_and_its_colours_are_readable():
    scss = (ROOT / "styles.scss").read_text(encoding="utf-8")
    assert badges.scss_rules() in scss, (
        "styles.scss: het blok met statuslabels wijkt af van tussenstand.badges.scss_rules(); "
        "vervang het door:\n" + badges.scss_rules()
    )
    # read back from the file itself: one rule per status, text readable on its background
    rules = dict(
        (key, (fill, ink))
        for key, fill, ink in re.findall(
            r"\.status-([a-z-]+) \{ background-color: (#[0-9A-Fa-f]{6}); color: (#[0-9A-Fa-f]{6});",
            scss,
        )
    )
    assert set(rules) == {badges.status_key(s) for s in Status}
    for key, (fill, ink) in rules.items():
        assert badges.contrast_ratio(fill, ink) >= 4.5, key


# ----- the PDF -------------------------------------------------------------------------------------
def pandoc(markdown: str, to: str, *filters: Path) -> str:
    pypandoc = pytest.importorskip(
        "pypandoc", reason="pypandoc-binary niet geïnstalleerd (extra 'test')"
    )
    args = [arg for f in filters for arg in ("--lua-filter", str(f))]
    return pypandoc.convert_text(markdown, to, format="markdown", extra_args=args)


def test_the_lua_filter_turns_a_badge_into_a_typst_call_and_leaves_html_alone():
    markdown = "Stand: [op koers · illustratief]{.status .status-op-koers}(2024) en [x]{.ander}.\n"
    typst = pandoc(markdown, "typst", BADGE_FILTER)
    # the call ends with ';', so that '(2024)' right after it is text, not an argument
    assert '#status-badge("op-koers")[op koers · illustratief];\\(2024)' in typst
    assert "#status-badge" not in typst.split("];", 1)[1]  # another span is no badge
    html = pandoc(markdown, "html", BADGE_FILTER)
    assert '<span class="status status-op-koers">op koers ·' in html and "#status" not in html


def test_a_badge_in_a_table_is_coloured_in_the_pdf(tmp_path: Path):
    typst = pytest.importorskip("typst", reason="typst niet geïnstalleerd (extra 'test')")
    pypdf = pytest.importorskip("pypdf", reason="pypdf niet geïnstalleerd (extra 'test')")
    markdown = (
        "| Doel | Status |\n|:--|:--|\n"
        f"| VW-1 | {badges.status_badge(Status.OP_KOERS, illustrative=True)} |\n"
        f"| VW-2 | {badges.status_badge(Status.VERKEERDE_RICHTING)} |\n"
    )
    body = pandoc(markdown, "typst", BADGE_FILTER)
    source = tmp_path / "badge.typ"
    source.write_text(badges.typst_definitions() + "\n\n" + body, encoding="utf-8")
    typst.compile(str(source), output=str(tmp_path / "badge.pdf"))
    page = pypdf.PdfReader(tmp_path / "badge.pdf").pages[0]
    text = page.extract_text()
    assert "op koers · illustratief" in text and "verkeerde richting" in text
    # the fills drawn on the page, as PDF colour operands (fractions of 255)
    content = page.get_contents().get_data().decode("latin-1")
    fills = [
        tuple(float(x) for x in m)
        for m in re.findall(r"(\d(?:\.\d+)?) (\d(?:\.\d+)?) (\d(?:\.\d+)?) scn", content)
    ]
    for status in (Status.OP_KOERS, Status.VERKEERDE_RICHTING):
        expected = rgb(badges.STATUS_STYLES[status].fill)
        assert any(f == pytest.approx(expected, abs=1e-3) for f in fills), status


def test_a_badge_written_in_typst_compiles_with_any_text(tmp_path: Path):
    """The PDF's first page writes its badges in typst directly: quotes and backslashes in the text
    stay text."""
    typst = pytest.importorskip("typst", reason="typst niet geïnstalleerd (extra 'test')")
    pypdf = pytest.importorskip("pypdf", reason="pypdf niet geïnstalleerd (extra 'test')")
    call = badges.typst_badge('3 "bereikt" \\ [x]', Status.BEREIKT)
    assert call.startswith('#status-badge("bereikt", ')
    source = tmp_path / "badge.typ"
    source.write_text(badges.typst_definitions() + "\n\n" + call + "\n", encoding="utf-8")
    typst.compile(str(source), output=str(tmp_path / "badge.pdf"))
    text = pypdf.PdfReader(tmp_path / "badge.pdf").pages[0].extract_text()
    assert '3 "bereikt" \\ [x]' in text


def test_headings_stick_to_what_follows_them_in_typst():
    markdown = "::: {.uitvoer}\n### Bronnen\n:::\n\nTekst.\n\n::: {.uitvoer}\nAlleen tekst.\n:::\n"
    typst = pandoc(markdown, "typst", HEADINGS_FILTER)
    # the heading, and the output block it ends, are sticky; a block without a heading is not
    assert typst.count("#block(sticky: true)[") == 2
    assert "#block[\nAlleen tekst." in typst
    html = pandoc(markdown, "html", HEADINGS_FILTER)
    assert "sticky" not in html


def test_filters_are_registered_for_the_site():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["filters"] == ["filters/status-badges.lua", "filters/typst-headings.lua"]
    for name in config["filters"]:
        assert (ROOT / name).is_file(), name
