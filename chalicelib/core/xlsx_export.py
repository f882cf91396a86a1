"""Excel workbooks (.xlsx) for organisers: the same rows as the CSV, in a file Excel opens as it is.

XlsxWriter is imported when a workbook is written, in the export worker: never on a page's cold
start. Every cell is written as text, so nothing in a name or a remark becomes a formula, a link
or a number; the header row is bold and frozen, and each column as wide as its longest value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDEST = 60  # characters: a long remark wraps in Excel rather than making the sheet unreadable


def write_xlsx(out: IO[bytes], sheet: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a header and the rows to one sheet; the number of rows written. Rows go to a temporary
    file as they come (`constant_memory`), so memory stays small whatever their number."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    worksheet = workbook.add_worksheet(sheet[:31])  # Excel's limit on a sheet's name
    bold = workbook.add_format({"bold": True})
    widths = [len(name) for name in header]
    for column, name in enumerate(header):
        worksheet.write_string(0, column, name, bold)
    worksheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            text = str(value)
            worksheet.write_string(count, column, text)
            widths[column] = max(widths[column], len(text))
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, min(width + 2, _WIDEST))
    workbook.close()
    return count
