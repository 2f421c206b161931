import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from regua.audit.models import AuditEntry
from regua.dunning.history import notice_json
from regua.dunning.notices import drop_settled_items
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 11, 10)


@pytest.fixture
def held_notice():
    branch, customer = make_branch(), make_customer("C1")
    titles = [
        make_receivable(branch, customer, DUE, "100.00", document="D1"),
        make_receivable(branch, customer, DUE, "250.00", document="D2"),
        make_receivable(branch, customer, DUE, "80.00", document="D3"),
    ]
    notice = make_notice(make_range(15, 30, 2, "email_and_letter"), titles, status="held")
    return notice, titles


def test_it_keeps_a_notice_whose_titulos_are_all_still_open(held_notice):
    notice, _ = held_notice

    assert drop_settled_items(notice, "ana") is True

    notice.refresh_from_db()
    assert notice.items.count() == 3
    assert notice.total_balance == Decimal("430.00")
    assert not AuditEntry.objects.filter(action="notice.drop_settled_items").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"paid_amount": Decimal("100.00")},
        {"paid_amount": Decimal("130.00")},
        {"cancelled": True},
        {"settled": True},
    ],
    ids=["paid", "overpaid", "cancelled", "settled"],
)
def test_it_removes_a_titulo_no_longer_open_and_recomputes_the_total(held_notice, change):
    notice, titles = held_notice
    for name, value in change.items():
        setattr(titles[0], name, value)
    titles[0].save()

    assert drop_settled_items(notice, "ana") is True

    notice.refresh_from_db()
    assert sorted(i.receivable.document for i in notice.items.all()) == ["D2", "D3"]
    assert notice.total_balance == Decimal("330.00")
    assert notice.status == "held"
    entry = AuditEntry.objects.get(action="notice.drop_settled_items")
    assert entry.user == "ana"
    assert "1/D1/1" in entry.description


def test_a_partially_paid_titulo_stays_on_the_notice(held_notice):
    notice, titles = held_notice
    titles[0].paid_amount = Decimal("99.99")
    titles[0].save()

    assert drop_settled_items(notice, "ana") is True
    assert notice.items.count() == 3


def test_it_discards_a_notice_left_without_titulos_and_frees_the_range(held_notice):
    notice, titles = held_notice
    for t in titles:
        t.paid_amount = t.amount
        t.save()

    assert drop_settled_items(notice, "bruno") is False

    notice.refresh_from_db()
    assert notice.status == "discarded"
    assert notice.reason == "paid"
    assert notice.items.count() == 0
    assert notice.total_balance == Decimal("0.00")
    assert AuditEntry.objects.filter(action="notice.discard", user="bruno").exists()


def test_notice_json_has_the_pinned_shape(held_notice):
    notice, _ = held_notice
    notice.recipients = ["a@cliente.com.br"]
    notice.save()

    data = notice_json(notice)

    assert data == {
        "id": notice.pk,
        "branch": "1",
        "customer": "C1",
        "status": "held",
        "reason": None,
        "range": {"id": notice.delay_range_id, "start": 15, "end": 30},
        "template": 2,
        "generation": "email_and_letter",
        "recipients": ["a@cliente.com.br"],
        "receivables": [
            {
                "branch": "1",
                "document": doc,
                "installment": "1",
                "days_overdue": 20,
                "range": {"start": 15, "end": 30},
                "balance": balance,
            }
            for doc, balance in [("D1", "100.00"), ("D2", "250.00"), ("D3", "80.00")]
        ],
        "channels": ["email"],  # an extension, after the keys pinned before it
    }


def test_notice_json_for_history_adds_when_and_who(held_notice):
    notice, _ = held_notice

    data = notice_json(notice, history=True)

    assert data["user"] == "ana"
    assert data["sent_at"] is None
    assert data["created_at"] == timezone.localtime(notice.created_at).isoformat(timespec="seconds")
    assert set(data) - set(notice_json(notice)) == {"created_at", "sent_at", "user", "posted_at"}
