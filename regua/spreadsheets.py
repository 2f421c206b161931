"""Tables for people's spreadsheets: ``csv-br`` and typed XLSX.

``csv-br`` is what a Brazilian Excel or LibreOffice opens as it is: ``;``
between columns, UTF-8 with a BOM, Portuguese headers, dates dd/mm/aaaa,
decimal commas (no thousands mark, so every locale reads a number), states and
reasons in words. The XLSX has typed cells: real dates, amounts with the
currency format (shown as ``R$ 1.234,56`` by a Brazilian spreadsheet),
percentages, a frozen header row and widths that fit. Text a spreadsheet
would run as a formula is neutralised in both. The plain ``csv`` of each
export, for programs, stays where it is and as it is.
"""

import csv
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

# A cell starting with one of these runs as a formula (CSV/formula injection).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

# Number formats as OOXML stores them (invariant separators; a pt-BR
# spreadsheet shows "R$ 1.234,56", "10/11/2026" and "63,0%").
MONEY_FORMAT: Final = '"R$" #,##0.00'
DATE_FORMAT: Final = "dd/mm/yyyy"
DATETIME_FORMAT: Final = "dd/mm/yyyy hh:mm"
SHARE_FORMAT: Final = "0.0%"
DECIMAL_FORMAT: Final = "0.0"

KINDS: Final = ("text", "int", "date", "datetime", "money", "share", "decimal")
_WIDTHS: Final = {"int": 8, "date": 12, "datetime": 17, "money": 15, "share": 9, "decimal": 9}


@dataclass(frozen=True)
class Column:
    title: str  # the Portuguese header
    kind: str = "text"
    width: int = 0  # XLSX width in characters; 0: from the title and the kind

    def xlsx_width(self) -> int:
        return max(self.width or _WIDTHS.get(self.kind, 24), len(self.title) + 2)


def neutralise(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def br_decimal(value: Decimal, places: int) -> str:
    """Decimal(1234.5) → "1234,50": a decimal comma and no thousands mark."""
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}".replace(".", ",")


def br_text(value: Any, kind: str) -> str:
    """One cell of a csv-br file."""
    if value is None or value == "":
        return ""
    if kind == "datetime" and isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if kind in ("date", "datetime") and isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if kind == "money":
        return br_decimal(Decimal(value), 2)
    if kind == "share":
        return br_decimal(Decimal(value) * 100, 1) + "%"
    if kind == "decimal":
        return br_decimal(Decimal(value), 1)
    if kind == "int":
        return str(value)
    return str(neutralise(str(value)))


def write_csv_br(
    target: str | Path | IO[str], columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> int:
    """Write ``rows`` (values in ``columns`` order) as csv-br; returns how many."""
    if isinstance(target, str | Path):
        with open(target, "w", newline="", encoding="utf-8-sig") as stream:
            return write_csv_br(stream, columns, rows)
    writer = csv.writer(target, delimiter=";")
    writer.writerow([c.title for c in columns])
    kinds = [c.kind for c in columns]
    count = 0
    for row in rows:
        writer.writerow([br_text(v, k) for v, k in zip(row, kinds, strict=True)])
        count += 1
    return count


def write_xlsx(
    target: str | Path | IO[bytes],
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    headers: Sequence[str] | None = None,
) -> int:
    """Write ``rows`` as one typed sheet; returns how many.

    ``headers``: the header row's text when it is not the columns' titles
    (an export whose XLSX kept its program-facing names).
    """
    from openpyxl import Workbook  # only here: it takes a while to import
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width()
    bold = Font(bold=True)
    header_cells = []
    for text in headers or [c.title for c in columns]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = {
        "money": MONEY_FORMAT,
        "date": DATE_FORMAT,
        "datetime": DATETIME_FORMAT,
        "share": SHARE_FORMAT,
        "decimal": DECIMAL_FORMAT,
    }
    count = 0
    for row in rows:
        out: list[Any] = []
        for value, column in zip(row, columns, strict=True):
            fmt = formats.get(column.kind)
            if value is None or value == "" or fmt is None:
                out.append(neutralise(value) if column.kind == "text" else value)
                continue
            if column.kind == "datetime" and isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = fmt
            out.append(cell)
        sheet.append(out)
        count += 1
    workbook.save(target)
    return count
