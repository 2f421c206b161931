"""The broken-input corpus: a clear message naming where, no traceback, nothing written."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from regua.audit.models import AuditEntry
from regua.receivables.importing import files
from regua.receivables.tests.helpers import CORPUS, database, load_branches, messages, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loaded():
    load_branches()
    make_customer("C1")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("utf16.csv", 'o arquivo está em UTF-16 ("Texto Unicode"); salve-o como CSV UTF-8'),
        ("utf16-no-bom.csv", "o arquivo parece estar em UTF-16 sem marca de início"),
        ("binary.bin", "o arquivo não é texto (CSV) nem planilha XLSX: tem conteúdo binário"),
        ("image.png", "o arquivo não é texto (CSV) nem planilha XLSX: tem conteúdo binário"),
        ("legacy.xls", "planilhas .xls (Excel 97-2003) não são aceitas"),
        ("not-a-spreadsheet.xlsx", "planilha XLSX inválida ou corrompida"),
        ("empty.csv", "o arquivo está vazio"),
        ("header-only.csv", "o arquivo só tem o cabeçalho, sem linhas de dados"),
        ("missing-column.csv", "linha 1: faltam colunas obrigatórias: amount (ou VALOR)"),
        ("extra-cells.csv", "linha 3: a linha tem 8 colunas e o cabeçalho, 6"),
        (
            "impossible-date.csv",
            "linha 3, coluna due_date, valor '31/02/2026': data inexistente (dia ou mês fora do calendário)",
        ),
        (
            "negative-amount.csv",
            "linha 3, coluna amount, valor '-100,00': valor negativo não é aceito",
        ),
        ("non-numeric-amount.csv", "linha 3, coluna amount, valor 'cem reais': não é um número"),
        (
            "duplicate-keys.csv",
            "linha 4, coluna installment, valor '1/A1/1': chave repetida no arquivo: já aparece na linha 2",
        ),
        (
            "unclosed-quote.csv",
            "linha 3: linha ilegível (aspas abertas e não fechadas até o fim do arquivo)",
        ),
    ],
)
def test_a_broken_file_gets_a_clear_message_and_changes_nothing(name, expected):
    before = database()
    result = run("receivables", CORPUS / name)
    assert not result.ok
    assert messages(result).startswith(expected), messages(result)
    assert database() == before
    entry = AuditEntry.objects.get(action="receivables.import", changes__file=name)
    assert entry.changes["ok"] is False and entry.changes["file"] == name


def test_extra_unknown_columns_are_ignored_and_listed_once():
    result = run("receivables", CORPUS / "extra-columns.csv")
    assert result.ok
    assert result.ignored_columns == ["VENDEDOR", "OBS"]


def test_a_ten_megabyte_field_is_reported_without_reading_it_whole():
    huge = "X" * (10 * 1024 * 1024)
    data = f"branch;document;installment;customer;due_date;amount\n1;A1;1;C1;10/11/2026;1,00\n1;A2;1;C1;10/11/2026;{huge}\n1;A3;1;C1;10/11/2026;1,00\n"
    before = database()
    result = run("receivables", data)
    assert messages(result) == "linha 3: linha com mais de 1.048.576 caracteres"
    assert database() == before


def test_a_field_over_the_csv_limit_is_reported_and_the_next_rows_still_read():
    big = "Y" * (files.FIELD_LIMIT + 10)
    data = f'branch;document;installment;customer;due_date;amount\n1;A1;1;C1;10/11/2026;"{big}"\n1;A2;1;C1;10/11/2026;1,00\n'
    result = run("receivables", data, skip_invalid=True)
    assert messages(result) == "linha 2: linha ilegível (um campo passa de 131.072 caracteres)"
    assert result.created == 1


def zip_bomb() -> bytes:
    """An XLSX whose one sheet unpacks from a few hundred kB to 60 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(60):
                sheet.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_xlsx_is_refused_before_it_is_unpacked():
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    before = database()
    result = run("receivables", bomb, filename="titulos.xlsx")
    assert (
        messages(result)
        == "a planilha tem compressão anormal (possível bomba de zip) e não foi aberta"
    )
    assert database() == before


def test_an_xlsx_promising_more_than_the_limit_is_refused(monkeypatch):
    workbook = Workbook()
    workbook.worksheets[0].append(
        ["branch", "document", "installment", "customer", "due_date", "amount"]
    )
    out = io.BytesIO()
    workbook.save(out)
    monkeypatch.setattr(files, "XLSX_MAX_UNCOMPRESSED", 1000)
    result = run("receivables", out.getvalue(), filename="titulos.xlsx")
    assert messages(result).startswith("a planilha descompactada passaria de 0 MB")


def test_a_zip_that_is_not_a_spreadsheet_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notas.txt", "nada")
    assert messages(run("receivables", out.getvalue())) == "o arquivo zip não é uma planilha XLSX"
