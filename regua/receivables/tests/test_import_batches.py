"""Rules that span batches: a big file is handled a few thousand rows at a time."""

import datetime
from decimal import Decimal

import pytest

from regua.receivables.models import Receivable
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


@pytest.fixture(autouse=True)
def loaded():
    load_branches()
    make_customer("C1")


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr("regua.receivables.importing.engine.BATCH_SIZE", 3)


def row(document: str, amount: str = "10,00") -> list[str]:
    return ["1", document, "1", "C1", "10/11/2026", amount]


def test_a_new_key_repeated_in_a_later_batch_is_a_duplicate(small_batches):
    before = database()
    result = run(
        "receivables",
        csv_bytes(RECEIVABLE_HEADER, [row("A"), row("B"), row("C"), row("D"), row("A")]),
    )
    assert messages(result) == (
        "linha 6, coluna installment, valor '1/A/1': chave repetida no arquivo: já aparece numa linha anterior"
    )
    assert database() == before


def test_a_stored_key_repeated_in_a_later_batch_is_a_duplicate(small_batches):
    run("receivables", csv_bytes(RECEIVABLE_HEADER, [row("A")]))
    result = run(
        "receivables",
        csv_bytes(RECEIVABLE_HEADER, [row("A"), row("B"), row("C"), row("A", "20,00")]),
    )
    assert [e.row for e in result.errors] == [5]
    assert Receivable.objects.get(document="A").amount == Decimal("10.00")


def test_thousands_of_changed_rows_are_all_updated():
    rows = [row(f"D{n}", "10,00") for n in range(2500)]
    assert run("receivables", csv_bytes(RECEIVABLE_HEADER, rows)).created == 2500
    changed = [["1", f"D{n}", "1", "C1", "11/11/2026", f"{n},{n % 100:02d}"] for n in range(2500)]

    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, changed))

    assert (result.updated, result.unchanged) == (2500, 0)
    amounts = dict(Receivable.objects.values_list("document", "amount"))
    assert amounts["D0"] == Decimal("0.00")
    assert amounts["D1234"] == Decimal("1234.34")
    assert amounts["D2499"] == Decimal("2499.99")
    assert set(Receivable.objects.values_list("due_date", flat=True)) == {
        datetime.date(2026, 11, 11)
    }


def test_rows_changing_different_fields_in_one_batch_each_keep_the_rest():
    header = [*RECEIVABLE_HEADER, "paid_amount", "paid_date"]
    run(
        "receivables",
        csv_bytes(header, [row("A") + ["1,00", "01/11/2026"], row("B") + ["2,00", "02/11/2026"]]),
    )
    result = run(
        "receivables",
        csv_bytes(header, [row("A", "99,00") + ["1,00", "01/11/2026"], row("B") + ["", ""]]),
    )
    assert result.updated == 2
    a, b = Receivable.objects.get(document="A"), Receivable.objects.get(document="B")
    assert (a.amount, a.paid_amount, a.paid_date) == (
        Decimal("99.00"),
        Decimal("1.00"),
        datetime.date(2026, 11, 1),
    )
    assert (b.amount, b.paid_amount, b.paid_date) == (Decimal("10.00"), Decimal("0.00"), None)


def test_progress_is_reported_as_rows_go_by(small_batches):
    seen: list[int] = []
    run(
        "receivables",
        csv_bytes(RECEIVABLE_HEADER, [row(f"D{n}") for n in range(7)]),
        progress=seen.append,
    )
    assert seen == [3, 6, 7]
