"""The auditors' filtered list as a file: CSV (UTF-8 with BOM, for Excel) and XLSX."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook

from .dashboard import COLUMNS
from .workdays import LOCAL_TZ


def _cell(row: dict, key: str):
    value = row.get(key)
    if key == "status":
        return row["status_label"]
    if key == "overdue":
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def table(rows: list[dict]) -> list[list]:
    """The header and one line per matter, as the auditor reads them."""
    return [[label for _, label in COLUMNS]] + [[_cell(r, key) for key, _ in COLUMNS] for r in rows]


def to_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(rows))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("事项")
    for line in table(rows):
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
