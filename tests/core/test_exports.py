"""The shared CSV/XLSX writers: values as people expect them, and text that
a spreadsheet would run as a formula defused in both formats."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cadence.core.exports import cell_text, csv_text, xlsx_file

ROWS = [
    ["Name", "Comment", "Score", "Day"],
    ["Ann", '=HYPERLINK("http://evil.test","x")', Decimal("-1.5"), dt.date(2027, 1, 2)],
    ["@Bob", "+1 great", Decimal("3"), None],
    ["Cy", "-- dashes", Decimal("0"), None],
]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("plain = fine", "plain = fine"),
        (Decimal("-2.50"), "-2.50"),
        (-3, "-3"),
        (None, ""),
        (dt.date(2027, 1, 2), "2027-01-02"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_csv_defuses_formulas_but_keeps_numbers() -> None:
    text = csv_text(iter(ROWS))
    assert "'=HYPERLINK" in text and "'@Bob" in text and "'+1 great" in text
    assert ",-1.5," in text  # a negative number is a number, not a formula


def test_xlsx_has_no_formula_cells() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_file(iter(ROWS), sheet="Test").read())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [list(r) for r in sheet.values]
    assert values[1][1] == '\'=HYPERLINK("http://evil.test","x")'
    assert values[1][2] == -1.5 and values[2][0] == "'@Bob"


def test_import_reads_back_what_export_defused() -> None:
    from cadence.people.importing_files import parse_file

    text = csv_text(iter([["a", "b"], ["=1+1", "'plain"]]))
    table = parse_file(io.BytesIO(text.encode()), "x.csv")
    assert table.rows == [["=1+1", "'plain"]]
    data = xlsx_file(iter([["a", "b"], ["@x", "-y"]])).read()
    assert parse_file(io.BytesIO(data), "x.xlsx").rows == [["@x", "-y"]]
