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
