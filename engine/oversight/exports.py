"""The auditors' filtered list as a file: CSV (UTF-8 with BOM, for Excel) and XLSX.

Text a spreadsheet could take for a formula (a matter's title is whatever its starter typed) is
neutralised as OWASP advises: in CSV it gets a leading apostrophe; in XLSX it is written as a typed
string with Excel's "quote prefix", so the cell shows the exact text and stays text when edited.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from engine.oversight.dashboard import COLUMNS
from engine.committee.workdays import LOCAL_TZ

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%Y-%m-%d %H:%M"
MIN_WIDTH, MAX_WIDTH = 6, 60


Words = Callable[[str], str]  # the reader's language for the fixed words (headers, status, yes/no)


def _same(text: str) -> str:
    return text


def _cell(row: dict, key: str, words: Words):
    value = row.get(key)
    if key == "status":
        return words(row["status_label"])
    if key == "overdue":
        return words("是") if value else words("否")
    if isinstance(value, datetime):  # Beijing time, as the dashboard shows it; Excel has no time zones
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return "" if value is None else value


def table(rows: list[dict], words: Words = _same) -> list[list]:
    """The header and one line per matter, as the auditor reads them (numbers and times typed)."""
    return [[words(label) for _, label in COLUMNS]] + [[_cell(r, key, words) for key, _ in COLUMNS] for r in rows]


def formula_like(value) -> bool:
    """Whether a spreadsheet would read this cell as a formula (or DDE call) if written as is."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    return "'" + value if formula_like(value) else value


def to_csv(rows: list[dict], words: Words = _same) -> bytes:
    """The list as CSV; text that could run as a formula starts with an apostrophe."""
    return csv_bytes(table(rows, words))


def csv_bytes(lines: list[list]) -> bytes:
    """Lines as CSV (UTF-8 with BOM, for Excel); text that could run as a formula starts with an apostrophe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_csv_cell(v) for v in line] for line in lines])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(cell: WriteOnlyCell, value) -> WriteOnlyCell:
    """The cell holding ``value``, typed: text stays text, a time gets its format."""
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes any text starting with "=" for a formula
        cell.quotePrefix = formula_like(value)
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def _display_width(value) -> int:
    """Columns a value takes in Excel: a CJK character is two, a time is its 16 formatted characters."""
    if isinstance(value, datetime):
        return len("2026-01-01 00:00")
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(lines: list[list]) -> list[float]:
    """A width per column that fits its header and longest value, within bounds (a long title wraps at 60)."""
    return [min(MAX_WIDTH, max(MIN_WIDTH, *(_display_width(line[n]) + 2 for line in lines)))
            for n in range(len(lines[0]))]


def to_xlsx(rows: list[dict], words: Words = _same) -> bytes:
    """The list as XLSX: text cells are strings, never formulas; numbers and times keep their types.

    The header row stays in view while scrolling, and each column is as wide as what it holds.
    """
    return xlsx_bytes({words("事项"): table(rows, words)})


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """Sheets (name → header and lines) as XLSX, each written as ``to_xlsx`` writes the list."""
    # Imported here, once per export: openpyxl brings numpy and Pillow (125 → 108 MB resident at start without
    # them) into every worker, which mostly never exports.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    book = Workbook(write_only=True)
    for name, lines in sheets.items():
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"  # write-only sheets take layout before the first row
        for n, width in enumerate(column_widths(lines), start=1):
            sheet.column_dimensions[get_column_letter(n)].width = width
        for line in lines:
            sheet.append([_xlsx_cell(WriteOnlyCell(sheet, value=value), value) for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
