import pytest

from regua.receivables.tests.helpers import (
    RECEIVABLE_HEADER,
    csv_bytes,
    database,
    load_branches,
    run,
)
from regua.test import make_customer

pytestmark = pytest.mark.django_db


def thousand_rows(bad_at: int | None = None) -> bytes:
    rows = [["1", f"D{n}", "1", "C1", "10/11/2026", "100,00"] for n in range(1000)]
    if bad_at is not None:
        rows[bad_at][4] = "31/02/2026"
    return csv_bytes(RECEIVABLE_HEADER, rows)


def test_a_thousand_row_file_with_one_bad_row_changes_nothing_and_names_that_row():
    load_branches()
    make_customer("C1")
    before = database()

    result = run("receivables", thousand_rows(bad_at=736))

    assert not result.ok
    assert result.error_count == 1
    assert str(result.errors[0]) == (
        "linha 738, coluna due_date, valor '31/02/2026': "
        "data inexistente (dia ou mês fora do calendário)"
    )
    assert (result.created, result.updated) == (0, 0)
    assert database() == before


def test_the_same_file_fixed_imports_every_row():
    load_branches()
    make_customer("C1")
    result = run("receivables", thousand_rows())
    assert result.ok
    assert result.created == 1000


def test_every_bad_row_is_reported_not_only_the_first():
    load_branches()
    make_customer("C1")
    rows = [["1", f"D{n}", "1", "C1", "10/11/2026", "100,00"] for n in range(5000)]
    rows[10][5] = "-1,00"
    rows[4500][3] = "C2"
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(12, "amount"), (4502, "customer")]
