"""CSV and Excel written a row at a time; text typed by vendors is never taken for a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from market.files.tabular import write_table

HOSTILE = ['=HYPERLINK("http://evil.example","klik")', "+1+1", "-2+3", "@SUM(A1)", "Beras"]


def test_text_that_looks_like_a_formula_stays_text_in_excel():
    out = io.BytesIO()
    write_table(out, file_format="xlsx", header=["name", "amount"], rows=[[t, -5] for t in HOSTILE])
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert [row[0].value for row in cells] == HOSTILE
    assert {row[0].data_type for row in cells} == {"s"}
    assert {row[1].value for row in cells} == {-5}  # numbers stay numbers, negative ones too


def test_text_that_looks_like_a_formula_is_quoted_in_csv():
    out = io.BytesIO()
    write_table(out, file_format="csv", header=["name"], rows=[[t] for t in HOSTILE])
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [*(f"'{t}" for t in HOSTILE[:-1]), "Beras"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_progress_is_reported_every_thousand_rows(file_format):
    seen = []
    written = write_table(
        io.BytesIO(),
        file_format=file_format,
        header=["n"],
        rows=([n] for n in range(2500)),
        progress=seen.append,
    )
    assert (written, seen) == (2500, [1000, 2000])


@pytest.mark.parametrize(("total", "every"), [(100_000, 1000), (10_000, 200), (120, 2), (30, 1)])
def test_a_smaller_table_reports_its_progress_every_two_percent(total, every):
    seen = []
    write_table(
        io.BytesIO(),
        file_format="csv",
        header=["n"],
        rows=([n] for n in range(total)),
        progress=seen.append,
        total=total,
    )
    assert seen == list(range(every, total + 1, every))
