"""CSV files for organisers, safe to open in a spreadsheet.

Separated by semicolons: Excel with Dutch settings, where the comma is the decimal sign, splits
columns at a semicolon and puts a comma-separated file in one column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    return "'" + value if value[:1] in _FORMULA_STARTS else value


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a header and the rows, each cell made safe; the number of rows written."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(str(v)) for v in row])
        count += 1
    return count
