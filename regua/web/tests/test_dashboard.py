import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable
from regua.web.aging import open_balance_by_bucket

TODAY = datetime.date(2026, 11, 30)


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.mark.django_db
def test_the_open_balance_is_split_into_aging_buckets_by_days_past_due():
    branch, customer = make_branch(), make_customer()
    for days, amount in [
        (-5, "10.00"),
        (0, "1.00"),
        (1, "20.00"),
        (15, "2.00"),
        (16, "30.00"),
        (45, "40.00"),
        (90, "50.00"),
        (91, "60.00"),
        (400, "7.00"),
    ]:
        make_receivable(branch, customer, days_ago(days), amount)
    make_receivable(branch, customer, days_ago(20), "99.00", paid_amount=Decimal("99.00"))
    make_receivable(branch, customer, days_ago(20), "88.00", cancelled=True)
    make_receivable(branch, customer, days_ago(20), "100.00", paid_amount=Decimal("25.50"))

    buckets = {b.label: b.balance for b in open_balance_by_bucket(TODAY)}

    assert buckets == {
        "a vencer": Decimal("11.00"),
        "1–15": Decimal("22.00"),
        "16–30": Decimal("104.50"),
        "31–60": Decimal("40.00"),
        "61–90": Decimal("50.00"),
        "90+": Decimal("67.00"),
    }


@pytest.mark.django_db
def test_the_aging_buckets_are_computed_in_one_query(django_assert_num_queries):
    make_receivable(make_branch(), make_customer(), days_ago(3))
    with django_assert_num_queries(1):
        open_balance_by_bucket(TODAY)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_the_dashboard_shows_the_chart_and_what_needs_attention(client, operator):
    branch, customer = make_branch(), make_customer()
    r1 = make_receivable(branch, customer, days_ago(40), "1234.56")
    r2 = make_receivable(branch, customer, days_ago(10), "10.00")
    r3 = make_receivable(branch, customer, days_ago(5), "10.00")
    rng = make_range(1, 60)
    make_notice(
        rng, [r1], status="sent", sent_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC)
    )
    make_notice(rng, [r2], status="failed")
    make_notice(rng, [r3], status="held")
    client.force_login(operator)

    page = client.get(reverse("dashboard")).content.decode()

    assert "<svg" in page and "31–60: R$ 1.234,56" in page
    assert "Cartas enviadas nos últimos 30 dias" in page
    assert "1 com falha, 0 incertas" in page
    assert "Cartas aguardando revisão" in page
