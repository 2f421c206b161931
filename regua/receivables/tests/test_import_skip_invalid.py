import csv

import pytest

from regua.receivables.importing import write_rejects
from regua.receivables.models import Receivable
from regua.receivables.tests.helpers import RECEIVABLE_HEADER, csv_bytes, load_branches, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db

ROWS = [
    ["1", "A", "1", "C1", "10/11/2026", "100,00"],
    ["1", "B", "1", "C1", "31/02/2026", "100,00"],
    ["1", "C", "1", "C1", "10/11/2026", "-3,00"],
    ["1", "D", "1", "C1", "10/11/2026", "55,10"],
]


@pytest.fixture(autouse=True)
def setup():
    load_branches()
    make_customer("C1")


def test_skip_invalid_imports_the_good_rows_and_rejects_the_bad(tmp_path):
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, ROWS), skip_invalid=True)

    assert result.ok
    assert (result.created, result.rejected_count, result.error_count) == (2, 2, 2)
    assert set(Receivable.objects.values_list("document", flat=True)) == {"A", "D"}
    assert [(r.row, r.cells[1], r.reason) for r in result.rejected] == [
        (3, "B", "due_date: data inexistente (dia ou mês fora do calendário)"),
        (4, "C", "amount: valor negativo não é aceito"),
    ]


def test_the_rejects_file_has_the_original_columns_the_row_and_the_reason(tmp_path):
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, ROWS), skip_invalid=True)
    path = tmp_path / "rejeitadas.csv"
    assert write_rejects(result, path) == 2

    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert lines[0] == [*RECEIVABLE_HEADER, "linha_original", "motivo_rejeicao"]
    assert lines[1] == [
        "1",
        "B",
        "1",
        "C1",
        "31/02/2026",
        "100,00",
        "3",
        "due_date: data inexistente (dia ou mês fora do calendário)",
    ]
    # A cell a spreadsheet would run as a formula is neutralised on the way out.
    assert lines[2][5] == "'-3,00"


def test_a_fixed_rejects_file_imports_back(tmp_path):
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, ROWS), skip_invalid=True)
    path = tmp_path / "rejeitadas.csv"
    write_rejects(result, path)
    fixed = (
        path.read_text(encoding="utf-8-sig")
        .replace("31/02/2026", "28/02/2026")
        .replace("'-3,00", "3,00")
    )

    again = run("receivables", fixed.encode("utf-8"))

    assert again.ok, again.errors
    assert again.created == 2
    assert again.ignored_columns == ["linha_original", "motivo_rejeicao"]


def test_skip_invalid_with_every_row_bad_writes_nothing():
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, ROWS[1:3]), skip_invalid=True)
    assert not result.ok
    assert result.rejected_count == 2
    assert not Receivable.objects.exists()
