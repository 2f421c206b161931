import datetime
from decimal import Decimal

import pytest

from regua.receivables.models import CollectionType, Receivable
from regua.test import make_branch, make_customer, make_receivable

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 11, 10)


def test_the_never_collected_winthor_codes_are_seeded_as_not_dunnable():
    codes = set(CollectionType.objects.filter(dunnable=False).values_list("code", flat=True))
    assert {"DESD", "CRED", "DEVP", "DEVT", "BNF", "BNFT", "BNFR", "BNTR", "BNRP"} <= codes


def test_open_excludes_paid_cancelled_and_settled_titulos():
    branch, customer = make_branch(), make_customer()
    open_one = make_receivable(branch, customer, DUE, "100.00", paid_amount=Decimal("40.00"))
    make_receivable(branch, customer, DUE, "100.00", paid_amount=Decimal("100.00"))
    make_receivable(branch, customer, DUE, "100.00", paid_amount=Decimal("120.00"))
    make_receivable(branch, customer, DUE, "100.00", cancelled=True)
    make_receivable(branch, customer, DUE, "100.00", settled=True)

    assert list(Receivable.objects.open()) == [open_one]
    assert open_one.balance == Decimal("60.00")


def test_overpaid_titulo_has_zero_balance():
    receivable = make_receivable(
        make_branch(), make_customer(), DUE, "100.00", paid_amount=Decimal("101.50")
    )
    assert receivable.balance == Decimal("0.00")
    assert not receivable.is_open
