"""The auditors' filtered list as a file: CSV (UTF-8 with BOM, for Excel) and XLSX.

Text a spreadsheet could take for a formula (a matter's title is whatever its starter typed) is
neutralised as OWASP advises: in CSV it gets a leading apostrophe; in XLSX it is written as a typed
string with Excel's "quote prefix", so the cell shows the exact text and stays text when edited.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .dashboard import COLUMNS
from .workdays import LOCAL_TZ

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%Y-%m-%d %H:%M"


def _cell(row: dict, key: str):
    value = row.get(key)
    if key == "status":
        return row["status_label"]
    if key == "overdue":
        return "是" if value else "否"
    if isinstance(value, datetime):  # Beijing time, as the dashboard shows it; Excel has no time zones
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return "" if value is None else value


def table(rows: list[dict]) -> list[list]:
    """The header and one line per matter, as the auditor reads them (numbers and times typed)."""
    return [[label for _, label in COLUMNS]] + [[_cell(r, key) for key, _ in COLUMNS] for r in rows]


def formula_like(value) -> bool:
    """Whether a spreadsheet would read this cell as a formula (or DDE call) if written as is."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    return "'" + value if formula_like(value) else value


def to_csv(rows: list[dict]) -> bytes:
    """The list as CSV; text that could run as a formula starts with an apostrophe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_csv_cell(v) for v in line] for line in table(rows)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes any text starting with "=" for a formula
        cell.quotePrefix = formula_like(value)
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def to_xlsx(rows: list[dict]) -> bytes:
    """The list as XLSX: text cells are strings, never formulas; numbers and times keep their types."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("事项")
    for line in table(rows):
        sheet.append([_xlsx_cell(sheet, value) for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
