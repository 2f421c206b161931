"""Cells that look harmless but are not: each refused with its row and column, nothing written."""

import datetime
import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from regua.receivables.importing import files
from regua.receivables.models import Customer, Receivable
from regua.receivables.tests.helpers import (
    RECEIVABLE_HEADER,
    csv_bytes,
    database,
    load_branches,
    messages,
    run,
)
from regua.test import make_customer

pytestmark = pytest.mark.django_db

LOST_DIGITS = "sem todos os dígitos; formate a coluna como texto e digite o valor de novo"


@pytest.fixture
def loaded():
    load_branches()
    make_customer("C1")


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def customers_with_a_nul_after_the_sample() -> tuple[bytes, int]:
    """More than 64 KB of good customers, then one whose name has a NUL byte."""
    rows = [[f"C{n:05}", f"CLIENTE NUMERO {n:05} COMERCIO LTDA"] for n in range(2500)]
    rows.append(["C99999", "LOJA\x00 ESCONDIDA"])
    data = csv_bytes(["code", "name"], rows)
    assert data.index(b"\x00") > files.SAMPLE_BYTES
    return data, len(rows) + 1


def test_a_nul_byte_after_the_first_64_kb_is_refused_naming_row_and_column():
    data, last_row = customers_with_a_nul_after_the_sample()

    result = run("customers", data)

    assert messages(result) == (
        f"linha {last_row}, coluna name, valor 'LOJA\u2400 ESCONDIDA': caractere nulo (NUL) no "
        "meio do texto; o arquivo parece corrompido ou não é um CSV de texto"
    )
    assert not Customer.objects.exists()


def test_with_skip_invalid_the_row_with_a_nul_is_rejected_and_the_others_kept():
    data, last_row = customers_with_a_nul_after_the_sample()

    result = run("customers", data, skip_invalid=True)

    assert [e.row for e in result.errors] == [last_row]
    assert Customer.objects.count() == 2500
    assert not Customer.objects.filter(code="C99999").exists()


def test_a_nul_byte_in_a_key_code_is_refused(loaded):
    filler = [["1", f"D{n:06}", "1", "C1", "10/11/2026", "100,00"] for n in range(2500)]
    data = csv_bytes(RECEIVABLE_HEADER, [*filler, ["1", "D\x00X", "1", "C1", "10/11/2026", "1,00"]])
    assert data.index(b"\x00") > files.SAMPLE_BYTES
    before = database()

    result = run("receivables", data)

    assert messages(result).startswith(
        "linha 2502, coluna document, valor 'D\u2400X': caractere nulo (NUL)"
    )
    assert database() == before


@pytest.mark.parametrize(
    ("day", "year"),
    [(datetime.datetime(9999, 12, 31), 9999), (datetime.datetime(1000, 1, 1), 1000)],
)
def test_a_spreadsheet_date_outside_the_accepted_years_is_refused(loaded, day, year):
    data = xlsx([RECEIVABLE_HEADER, [1, "A", 1, "C1", day, 100]])

    result = run("receivables", data, filename="titulos.xlsx")

    assert messages(result) == (
        f"linha 2, coluna due_date, valor '{day.date().isoformat()}': ano {year} fora do intervalo "
        "aceito (1900 a 2199)"
    )
    assert not Receivable.objects.exists()


@pytest.mark.parametrize(
    ("column", "cell", "shown"),
    [
        ("document", 12345678901234567890.0, "1.234567890123457e+19"),
        ("installment", 1.5, "1.5"),
        ("digitable_line", 2.3790001236e46, "2.3790001236e+46"),
        ("barcode", 2.3791234500000001e43, "2.37912345e+43"),
    ],
)
def test_a_long_number_kept_by_the_spreadsheet_as_a_float_is_refused(loaded, column, cell, shown):
    header = [*RECEIVABLE_HEADER, "digitable_line", "barcode"]
    row: list[object] = [1, "A", 1, "C1", datetime.date(2026, 11, 10), 100, "", ""]
    row[header.index(column)] = cell

    result = run("receivables", xlsx([header, row]), filename="titulos.xlsx")

    assert messages(result) == (
        f"linha 2, coluna {column}, valor '{shown}': número gravado pela planilha como "
        f"{shown}, {LOST_DIGITS}"
    )
    assert not Receivable.objects.exists()


def test_an_integer_of_up_to_15_digits_in_a_number_cell_is_read_exactly(loaded):
    header = [*RECEIVABLE_HEADER, "our_number"]
    data = xlsx([header, [1, 123456789012345.0, 2.0, "C1", datetime.date(2026, 11, 10), 100, 4.0]])

    result = run("receivables", data, filename="titulos.xlsx")

    assert result.ok, messages(result)
    stored = Receivable.objects.get()
    assert (stored.document, stored.installment, stored.our_number) == ("123456789012345", "2", "4")


@pytest.mark.parametrize(
    ("document", "shown"),
    [("A\u2028B", "A\u2028B"), ("A\x0bB", "A\x0bB"), ("A\u200bB", "A\u200bB")],
)
def test_a_key_code_with_an_invisible_separator_is_refused(loaded, document, shown):
    data = csv_bytes(RECEIVABLE_HEADER, [["1", document, "1", "C1", "10/11/2026", "100,00"]])

    result = run("receivables", data)

    assert messages(result) == (
        f"linha 2, coluna document, valor {shown!r}: código com caractere invisível ou de controle"
    )
    assert not Receivable.objects.exists()


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("10/11/2026 25:99", "data inválida; use dd/mm/aaaa ou aaaa-mm-dd"),
        ("2026-11-10T23:60", "data inválida; use dd/mm/aaaa ou aaaa-mm-dd"),
        ("１０/１１/２０２６", "data inválida; use dd/mm/aaaa ou aaaa-mm-dd"),
        ("２０２６-11-10", "data inválida; use dd/mm/aaaa ou aaaa-mm-dd"),
    ],
)
def test_a_date_with_an_impossible_time_or_full_width_digits_is_refused(loaded, due, message):
    data = csv_bytes(RECEIVABLE_HEADER, [["1", "A", "1", "C1", due, "100,00"]])

    result = run("receivables", data)

    assert messages(result) == f"linha 2, coluna due_date, valor {due!r}: {message}"
    assert not Receivable.objects.exists()


def test_a_time_of_day_after_a_date_is_still_read(loaded):
    data = csv_bytes(RECEIVABLE_HEADER, [["1", "A", "1", "C1", "10/11/2026 23:59:59", "100,00"]])

    assert run("receivables", data).ok
    assert Receivable.objects.get().due_date == datetime.date(2026, 11, 10)


def test_an_amount_in_full_width_digits_is_refused(loaded):
    rows = [
        ["1", "A", "1", "C1", "10/11/2026", "100,00"],
        ["1", "B", "1", "C1", "10/11/2026", "１２３,４５"],
    ]

    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, rows))

    assert messages(result) == "linha 3, coluna amount, valor '１２３,４５': não é um número"
    assert not Receivable.objects.exists()
