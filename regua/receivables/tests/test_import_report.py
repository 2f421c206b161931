"""An import's errors and warnings as a file: csv for programs, csv-br for people."""

import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from regua.receivables.tests.helpers import RECEIVABLE_HEADER, csv_bytes, load_branches
from regua.test import make_customer

pytestmark = pytest.mark.django_db

ROWS = [
    ["1", "A", "1", "C1", "10/11/2026", "100,00"],
    ["1", "B", "1", "C1", "31/02/2026", "-3,00"],
]


@pytest.fixture
def bad_file(tmp_path):
    load_branches()
    make_customer("C1")
    path = tmp_path / "titulos.csv"
    path.write_bytes(csv_bytes(RECEIVABLE_HEADER, ROWS))
    return path


def test_the_csv_br_report_lists_each_problem_in_portuguese(bad_file, tmp_path):
    report = tmp_path / "problemas.csv"
    with pytest.raises(CommandError):
        call_command(
            "import", "receivables", str(bad_file), "--report", str(report), "--format", "csv-br"
        )

    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    with report.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert lines == [
        ["Tipo", "Linha", "Coluna", "Valor", "Mensagem"],
        ["erro", "3", "due_date", "31/02/2026", "data inexistente (dia ou mês fora do calendário)"],
        ["erro", "3", "amount", "'-3,00", "valor negativo não é aceito"],
    ]


def test_the_csv_report_keeps_codes_for_programs(bad_file, tmp_path):
    report = tmp_path / "problems.csv"
    with pytest.raises(CommandError):
        call_command("import", "receivables", str(bad_file), "--report", str(report))

    with report.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["kind"], r["row"], r["column"]) for r in rows] == [
        ("error", "3", "due_date"),
        ("error", "3", "amount"),
    ]
