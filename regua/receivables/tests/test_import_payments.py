import datetime
from decimal import Decimal

import pytest

from regua.receivables.models import Receivable
from regua.receivables.tests.helpers import database, load_branches, messages, run
from regua.test import make_customer, make_receivable

pytestmark = pytest.mark.django_db

PAYMENTS = "branch;document;installment;paid_amount;paid_date\n1;A;1;60,00;05/11/2026\n"


@pytest.fixture
def titulo():
    load_branches()
    from regua.receivables.models import Branch

    return make_receivable(
        Branch.objects.get(code="1"),
        make_customer("C1"),
        datetime.date(2026, 11, 1),
        "100.00",
        document="A",
    )


def test_a_payment_sets_the_total_paid_so_far(titulo):
    result = run("payments", PAYMENTS)
    assert (result.ok, result.updated) == (True, 1)
    titulo.refresh_from_db()
    assert titulo.paid_amount == Decimal("60.00")
    assert titulo.paid_date == datetime.date(2026, 11, 5)
    assert titulo.balance == Decimal("40.00")


def test_importing_the_same_payments_twice_changes_nothing(titulo):
    run("payments", PAYMENTS)
    before = database()
    result = run("payments", PAYMENTS)
    assert (result.updated, result.unchanged) == (0, 1)
    titulo.refresh_from_db()
    assert titulo.paid_amount == Decimal("60.00")  # a total, not an increment
    assert database() == before


def test_a_later_payments_file_carries_the_new_total(titulo):
    run("payments", PAYMENTS)
    run("payments", "branch;document;installment;paid_amount;paid_date\n1;A;1;100,00;10/11/2026\n")
    titulo.refresh_from_db()
    assert titulo.paid_amount == Decimal("100.00")
    assert not Receivable.objects.open().exists()


def test_a_payment_for_an_unknown_titulo_is_an_error(titulo):
    result = run("payments", "branch;document;installment;paid_amount\n1;NOPE;1;10,00\n")
    assert not result.ok
    assert messages(result) == (
        "linha 2, coluna installment, valor '1/NOPE/1': "
        "título não cadastrado; importe os títulos antes dos pagamentos"
    )


def test_payments_in_winthor_names(titulo):
    result = run("payments", "CODFILIAL;DUPLIC;PREST;VPAGO;DTPAG\n1;A;1;25,50;2026-11-03\n")
    assert result.ok
    titulo.refresh_from_db()
    assert titulo.paid_amount == Decimal("25.50")


def test_a_payment_file_without_the_paid_amount_column_is_refused(titulo):
    result = run("payments", "branch;document;installment;paid_date\n1;A;1;05/11/2026\n")
    assert messages(result) == "linha 1: faltam colunas obrigatórias: paid_amount (ou VPAGO)"
