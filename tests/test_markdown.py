"""The one Markdown helper: pipe tables that Quarto renders in HTML and typst, and escaping."""

from __future__ import annotations

import pandas as pd

from tussenstand import markdown


def test_table_escapes_pipes():
    table = markdown.table(pd.DataFrame({"a": ["x|y"], "b": [1]}), "lr")
    # 'a' is a text column: its longest text (the escaped 'x\|y', 4) is raised to the minimum of
    # 10 dashes; 'b' is a number column: its longest cell or header word (1) raised to 3, plus 2
    assert table.splitlines() == ["| a | b |", "|:---------|----:|", "| x\\|y | 1 |"]


def test_table_gives_long_columns_more_room():
    """Pandoc sizes wide pipe tables by the dashes under the header (HTML and typst alike)."""
    df = pd.DataFrame(
        {
            "Nr.": ["VW-1"],
            "Indicator": ["Volwassenen en ouderen die voldoen aan de beweegrichtlijnen"],
            "Status": ["op koers"],
        }
    )
    rule = markdown.table(df, "llr").splitlines()[1].strip("|").split("|")
    # 'Status' is a number column: its longest cell or header word + 2 ('op koers': 8 + 2 = 10);
    # the text columns get their longest text within 10..45 ('Nr.' and 'VW-1': 10; the indicator,
    # 59 characters: 45); 10 + 45 + 10 fits a line of 85, so nothing is scaled down
    assert [len(r) for r in rule] == [10, 45, 10]
    assert rule[0].startswith(":") and rule[2].endswith(":")


def test_table_refuses_an_alignment_that_does_not_fit_its_columns():
    """A table of no columns with the alignment of seven (an empty overview) is a clear error, not
    zip's 'argument 2 is longer than argument 1'."""
    import pytest

    with pytest.raises(ValueError, match=r"7 uitlijningen .* voor 0 kolommen"):
        markdown.table(pd.DataFrame([]), "llllrrl")


def test_a_badge_is_measured_by_its_text_not_its_markup():
    """A status badge, ``[op koers]{.status .status-op-koers}``, takes the room of 'op koers'."""
    badge = "[op koers · illustratief]{.status .status-op-koers}"
    assert markdown.visible_text(badge) == "op koers · illustratief"
    assert markdown.visible_length(r"nog te meten (x\*)") == len("nog te meten (x*)")
    df = pd.DataFrame({"Doel": ["VW-1"], "Status": [badge]})
    rule = markdown.table(df, "ll").splitlines()[1].strip("|").split("|")
    # 'op koers · illustratief' is 23 characters: 23 dashes, not the 51 of the markup
    assert [len(r) for r in rule] == [10, 23]


def test_a_column_is_never_narrower_than_its_longest_word():
    """Cells are not hyphenated in the PDF: a file name wider than its column would run into the
    next one. Here the four text columns want 45 + 45 + 45 + 26 characters; a line has 85."""
    long = "een zin die veel ruimte vraagt maar overal kan afbreken, ook in een smalle kolom"
    df = pd.DataFrame(
        {
            "Bron": [long],
            "Tabel": ["heemskerk_illustratief.csv"],
            "Toelichting": [long],
            "Opmerking": [long],
        }
    )
    widths = markdown.column_widths(
        list(df.columns), [list(r) for r in df.itertuples(index=False)], "llll"
    )
    # the file name gets its 26 characters + 1; the others share the rest (85 - 27 = 58) and
    # each keeps at least its longest word ('afbreken,': 9 + 1, raised to the minimum of 10)
    assert widths[1] >= 27
    assert sum(widths) <= 85 + 2  # rounding
    assert all(w >= 10 for w in widths)


def test_a_right_aligned_column_of_long_texts_wraps_like_text():
    """A value per member of a region ('Den Helder 9.500; Schagen 6.000; ...') is right-aligned
    but no number: it does not get its whole length (which would squeeze the other columns)."""
    members = "Den Helder 292,3; Schagen 116,7; Texel 111,3; Hollands Kroon 118,1"
    df = pd.DataFrame({"Indicator": ["Bijstandsuitkeringen"], "Regio": [members], "NL": ["256,8"]})
    widths = markdown.column_widths(
        list(df.columns), [list(r) for r in df.itertuples(index=False)], "lrr"
    )
    # 'NL' is a number: its longest cell (5) + 2; 'Regio' shares the line: at most 45
    assert widths[2] == 7
    assert 17 <= widths[1] <= 45
    assert widths[0] >= len("Bijstandsuitkeringen") + 1


def test_table_refuses_a_column_without_a_name():
    """A screen reader reads a cell with its column's header; an empty header (the goals' label/
    value tables had one: axe 'empty-table-header', 28 times per report) says nothing."""
    import pytest

    with pytest.raises(ValueError, match=r"kolom 1 heeft geen naam"):
        markdown.table(pd.DataFrame({"": ["Doel"], "Waarde": ["minstens 250"]}), "ll")
    with pytest.raises(ValueError, match=r"kolom 2 heeft geen naam"):
        markdown.table(pd.DataFrame({"a": [1], " ": [2]}), "lr")
    named = markdown.table(pd.DataFrame({"Gegeven": ["Doel"], "Waarde": ["minstens 250"]}), "ll")
    assert named.splitlines()[0] == "| Gegeven | Waarde |"


def test_columns_whose_longest_words_fill_more_than_a_line_get_their_longest_word():
    """Voorne aan Zee's data-quality table (GM1992, 2024-H1) crashed the cleaning notebook with a
    ZeroDivisionError: seven text columns, each cell one long word, so that every column wants
    exactly its longest word and the words together (7 x 27 = 189) are wider than a line (85)."""
    word = "heemskerk_illustratief.csv"  # 26 characters: a column of 27
    df = pd.DataFrame({f"Kolom {i}": [word] for i in range(7)})
    widths = markdown.column_widths(
        list(df.columns), [list(r) for r in df.itertuples(index=False)], "lllllll"
    )
    assert widths == [27] * 7
    assert markdown.table(df, "lllllll").count(word) == 7
