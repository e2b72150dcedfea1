"""Writing rows as CSV or Excel (XLSX) a row at a time, so that a million rows never sit in
memory: openpyxl's write-only mode for XLSX, the csv module for CSV.

Text that vendors type (product and business names) reaches these files: text that a
spreadsheet would take for a formula is written as text, never run when a finance officer
opens the file."""

import csv
import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROGRESS_EVERY = 1000  # rows between two progress reports, at most
PROGRESS_STEPS = 50  # a smaller table reports its progress this many times (every 2 %)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _csv_row(row: Iterable) -> list:
    # The usual defence for CSV: a leading apostrophe makes the cell text.
    return [f"'{value}" if _formula_like(value) else value for value in row]


def _xlsx_row(sheet, row: Iterable) -> list:
    cells = []
    for value in row:
        if _formula_like(value):
            value = WriteOnlyCell(sheet, value=value)
            value.data_type = "s"  # text, whatever it starts with
        cells.append(value)
    return cells


def progress_step(total: int | None) -> int:
    """Rows between two progress reports: every PROGRESS_EVERY rows, or for a table of `total`
    rows fewer than that, every 2 % of it, so that its progress is seen moving too."""
    if not total:
        return PROGRESS_EVERY
    return max(1, min(PROGRESS_EVERY, total // PROGRESS_STEPS))


def write_table(
    out: BinaryIO,
    *,
    file_format: str,
    header: list[str],
    rows: Iterable[Iterable],
    title: str = "Data",
    progress: Callable[[int], None] | None = None,
    total: int | None = None,
) -> int:
    """Write `header` and `rows` to the binary stream `out`; returns how many rows were written.

    `progress(rows_so_far)` is called every progress_step(total) rows (`total`: how many rows
    are expected, when known).
    """
    step = progress_step(total)
    written = 0
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(_csv_row(header))
        for row in rows:
            writer.writerow(_csv_row(row))
            written += 1
            if progress and written % step == 0:
                progress(written)
        text.detach()  # leave `out` open for the caller
        return written
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(_xlsx_row(sheet, header))
    for row in rows:
        sheet.append(_xlsx_row(sheet, row))
        written += 1
        if progress and written % step == 0:
            progress(written)
    workbook.save(out)
    return written
