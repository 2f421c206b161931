"""Separators, encodings, dates, decimals and XLSX."""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from regua.receivables.models import Customer, Receivable
from regua.receivables.tests.helpers import RECEIVABLE_HEADER, load_branches, messages, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    load_branches()
    make_customer("C1")


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_the_separator_is_sniffed(sep):
    data = sep.join(["code", "name", "city"]) + "\n" + sep.join(["7", "ANA", '"Rio, RJ"']) + "\n"
    result = run("customers", data)
    assert result.ok, result.errors
    assert Customer.objects.get(code="7").city == "Rio, RJ"


@pytest.mark.parametrize(
    "encoded",
    [
        "code;name\n7;JOÃO DA CONCEIÇÃO\n".encode(),
        "\ufeffcode;name\n7;JOÃO DA CONCEIÇÃO\n".encode(),
        "code;name\n7;JOÃO DA CONCEIÇÃO\n".encode("cp1252"),
        "code;name\n7;JOÃO DA CONCEIÇÃO\n".encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "latin-1"],
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read(encoded):
    assert run("customers", encoded).ok
    assert Customer.objects.get(code="7").name == "JOÃO DA CONCEIÇÃO"


def test_a_windows_1252_byte_far_into_an_ascii_file_is_still_read():
    rows = "".join(f"{n};CLIENTE {n}\n" for n in range(5000))
    data = ("code;name\n" + rows).encode() + "9999;AÇOUGUE “BOI”\n".encode("cp1252")
    assert len(data) > 64 * 1024
    assert run("customers", data).ok
    assert Customer.objects.get(code="9999").name == "AÇOUGUE “BOI”"


def test_windows_1252_quotes_and_euro_are_read_as_such():
    run("customers", "code;name\n7;ANA “A” €\n".encode("cp1252"))
    assert Customer.objects.get(code="7").name == "ANA “A” €"


def test_headers_match_in_any_case_and_with_spaces(loaded):
    data = " Branch ;DOCUMENT;Installment;customer;Due_Date;AMOUNT\n1;A;1;C1;2026-11-10;10.5\n"
    assert run("receivables", data).ok
    assert Receivable.objects.get(document="A").amount == Decimal("10.50")


def test_iso_dates_and_dot_decimals_in_a_comma_separated_file(loaded):
    data = "branch,document,installment,customer,due_date,amount\n1,A,1,C1,2026-11-10,1234.56\n"
    assert run("receivables", data).ok
    receivable = Receivable.objects.get(document="A")
    assert (receivable.due_date, receivable.amount) == (
        datetime.date(2026, 11, 10),
        Decimal("1234.56"),
    )


def test_a_file_that_mixes_decimal_styles_names_the_odd_value(loaded):
    data = (
        "branch;document;installment;customer;due_date;amount\n"
        "1;A;1;C1;10/11/2026;1.234,56\n"
        "1;B;1;C1;10/11/2026;1234.56\n"
    )
    assert messages(run("receivables", data)) == (
        "linha 3, coluna amount, valor '1234.56': "
        "número fora do formato deste arquivo, que usa 1.234,56"
    )


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(loaded):
    data = "branch;document;installment;customer;due_date;amount\n\n1;A;1;C1;10/11/2026;1,00\n;;;;;\n1;B;1;C1;10/11/2026;x\n"
    assert (
        messages(run("receivables", data)) == "linha 5, coluna amount, valor 'x': não é um número"
    )


def test_blank_lines_above_the_header_count_as_rows(loaded):
    data = "\n\nbranch;document;installment;customer;due_date;amount\n1;A;1;C1;10/11/2026;x\n"
    assert (
        messages(run("receivables", data)) == "linha 4, coluna amount, valor 'x': não é um número"
    )


def test_short_rows_read_their_missing_cells_as_empty(loaded):
    data = (
        "branch;document;installment;customer;due_date;amount;paid_date\n1;A;1;C1;10/11/2026;1,00\n"
    )
    assert run("receivables", data).ok
    assert Receivable.objects.get(document="A").paid_date is None


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_with_typed_cells_is_read(loaded):
    data = xlsx(
        [
            [*RECEIVABLE_HEADER, "paid_amount", "cancelled"],
            [1, 310010, 1, "C1", datetime.datetime(2026, 11, 10), 1791.31, 0.1, False],
            ["1", "310011", "2", "C1", "10/12/2026", "1.234,56", None, "S"],
        ]
    )
    result = run("receivables", data, filename="titulos.xlsx")
    assert result.ok, result.errors
    first = Receivable.objects.get(document="310010")
    assert (first.installment, first.due_date, first.amount) == (
        "1",
        datetime.date(2026, 11, 10),
        Decimal("1791.31"),
    )
    assert (first.paid_amount, first.cancelled) == (Decimal("0.10"), False)
    second = Receivable.objects.get(document="310011")
    assert (second.amount, second.cancelled) == (Decimal("1234.56"), True)


def test_an_xlsx_with_a_bad_cell_names_its_row(loaded):
    data = xlsx([RECEIVABLE_HEADER, [1, "A", 1, "C1", datetime.date(2026, 11, 10), -5]])
    assert messages(run("receivables", data, filename="t.xlsx")) == (
        "linha 2, coluna amount, valor '-5': valor negativo não é aceito"
    )


def test_an_xlsx_that_is_empty_is_refused():
    assert messages(run("customers", xlsx([]), filename="c.xlsx")).startswith(
        "a planilha está vazia"
    )


def test_the_stream_need_not_be_seekable(loaded):
    class OneWay(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

        def seekable(self) -> bool:
            return False

    from regua.receivables.importing import import_file

    data = xlsx([RECEIVABLE_HEADER, [1, "A", 1, "C1", datetime.date(2026, 11, 10), 5]])
    result = import_file("receivables", io.BufferedReader(OneWay(data)), user="api")
    assert result.ok, result.errors
