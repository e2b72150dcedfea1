"""Writing rows as CSV or Excel (XLSX) a row at a time, so that a million rows never sit in
memory: openpyxl's write-only mode for XLSX, the csv module for CSV."""

import csv
import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROGRESS_EVERY = 1000  # rows between two progress reports


def write_table(
    out: BinaryIO,
    *,
    file_format: str,
    header: list[str],
    rows: Iterable[Iterable],
    title: str = "Data",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `header` and `rows` to the binary stream `out`; returns how many rows were written.

    `progress(rows_so_far)` is called every PROGRESS_EVERY rows.
    """
    written = 0
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            written += 1
            if progress and written % PROGRESS_EVERY == 0:
                progress(written)
        text.detach()  # leave `out` open for the caller
        return written
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(out)
    return written
