"""Every change of a título's paid amount an import makes is kept as a payment event."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from regua.receivables.models import Import, PaymentEvent, Receivable
from regua.receivables.tests.helpers import RECEIVABLE_HEADER, csv_bytes, load_branches, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db

PAID_HEADER = [*RECEIVABLE_HEADER, "paid_amount", "paid_date"]
PAYMENTS_HEADER = "branch;document;installment;paid_amount;paid_date\n"


def events(document: str = "A") -> list[tuple[Decimal, datetime.date, str]]:
    return list(
        PaymentEvent.objects.filter(receivable__document=document)
        .order_by("id")
        .values_list("amount", "paid_date", "kind")
    )


@pytest.fixture
def titulo():
    load_branches()
    make_customer("C1")
    result = run(
        "receivables",
        csv_bytes(RECEIVABLE_HEADER, [["1", d, "1", "C1", "10/11/2026", "100,00"] for d in "ABC"]),
    )
    assert result.created == 3
    return Receivable.objects.get(document="A")


@time_machine.travel("2026-11-20 09:00 -03:00", tick=False)
def test_each_payment_file_records_what_was_added_at_its_paid_date(titulo):
    run("payments", PAYMENTS_HEADER + "1;A;1;60,00;05/11/2026\n", filename="pag1.csv")
    run("payments", PAYMENTS_HEADER + "1;A;1;100,00;12/11/2026\n", filename="pag2.csv")

    assert events() == [
        (Decimal("60.00"), datetime.date(2026, 11, 5), "payment"),
        (Decimal("40.00"), datetime.date(2026, 11, 12), "payment"),
    ]
    sources = PaymentEvent.objects.filter(receivable=titulo).order_by("id")
    assert list(sources.values_list("source__filename", "source__user")) == [
        ("pag1.csv", "teste"),
        ("pag2.csv", "teste"),
    ]


@time_machine.travel("2026-11-20 09:00 -03:00", tick=False)
def test_a_reversal_is_a_negative_event_dated_the_import_day_when_the_file_has_no_date(titulo):
    run("payments", PAYMENTS_HEADER + "1;A;1;60,00;05/11/2026\n")
    run("payments", PAYMENTS_HEADER + "1;A;1;0,00;\n")

    assert events() == [
        (Decimal("60.00"), datetime.date(2026, 11, 5), "payment"),
        (Decimal("-60.00"), datetime.date(2026, 11, 20), "payment"),
    ]


def test_the_same_file_twice_records_nothing_more(titulo):
    run("payments", PAYMENTS_HEADER + "1;A;1;60,00;05/11/2026\n")
    run("payments", PAYMENTS_HEADER + "1;A;1;60,00;05/11/2026\n")

    assert len(events()) == 1
    assert Import.objects.count() == 1  # an import that changed no payment leaves no row


def test_a_titulo_file_with_paid_amounts_records_the_changes_and_new_paid_titulos(titulo):
    result = run(
        "receivables",
        csv_bytes(
            PAID_HEADER,
            [
                ["1", "A", "1", "C1", "10/11/2026", "100,00", "30,00", "07/11/2026"],
                ["1", "B", "1", "C1", "10/11/2026", "100,00", "0,00", ""],
                ["1", "N", "1", "C1", "10/11/2026", "80,00", "80,00", "09/11/2026"],
                ["1", "M", "1", "C1", "10/11/2026", "80,00", "0,00", ""],
            ],
        ),
    )

    assert result.ok
    assert events("A") == [(Decimal("30.00"), datetime.date(2026, 11, 7), "payment")]
    assert events("B") == []
    assert events("N") == [(Decimal("80.00"), datetime.date(2026, 11, 9), "payment")]
    assert events("M") == []


def test_a_failed_import_records_no_event(titulo):
    result = run("payments", PAYMENTS_HEADER + "1;A;1;60,00;05/11/2026\n1;NOPE;1;1,00;\n")

    assert not result.ok
    assert PaymentEvent.objects.count() == 0
    assert Import.objects.count() == 0


@time_machine.travel("2026-11-20 09:00 -03:00", tick=False)
def test_a_titulo_a_snapshot_settles_is_presumed_paid_of_its_last_balance_that_day(titulo):
    run("payments", PAYMENTS_HEADER + "1;B;1;25,00;05/11/2026\n")
    run(
        "receivables",
        csv_bytes(RECEIVABLE_HEADER, [["1", "A", "1", "C1", "10/11/2026", "100,00"]]),
        snapshot=True,
    )

    assert events("A") == []
    assert events("B") == [
        (Decimal("25.00"), datetime.date(2026, 11, 5), "payment"),
        (Decimal("75.00"), datetime.date(2026, 11, 20), "presumed"),
    ]
    assert events("C") == [(Decimal("100.00"), datetime.date(2026, 11, 20), "presumed")]
    assert Import.objects.filter(snapshot=True).count() == 1


def test_a_settled_titulo_listed_again_has_its_presumed_payment_reversed(titulo):
    with time_machine.travel("2026-11-20 09:00 -03:00", tick=False):
        run(
            "receivables",
            csv_bytes(RECEIVABLE_HEADER, [["1", "A", "1", "C1", "10/11/2026", "100,00"]]),
            snapshot=True,
        )
    with time_machine.travel("2026-11-23 09:00 -03:00", tick=False):
        run(
            "receivables",
            csv_bytes(
                RECEIVABLE_HEADER,
                [["1", d, "1", "C1", "10/11/2026", "100,00"] for d in "AB"],
            ),
            snapshot=True,
        )

    assert events("B") == [
        (Decimal("100.00"), datetime.date(2026, 11, 20), "presumed"),
        (Decimal("-100.00"), datetime.date(2026, 11, 23), "presumed"),
    ]
    assert sum(e[0] for e in events("C")) == Decimal("100.00")  # still settled: counted once
