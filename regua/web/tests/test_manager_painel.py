"""The Painel for a manager: DSO by month, recovered after notices, work lists, legible charts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from regua.receivables.models import PaymentEvent
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable
from regua.web import charts
from regua.web.manager import dso_by_month, recovered_after_notices, work_lists

pytestmark = pytest.mark.django_db

SP = ZoneInfo("America/Sao_Paulo")
TODAY = datetime.date(2026, 11, 30)
D = Decimal


def pay(receivable, amount, day):
    PaymentEvent.objects.create(
        receivable=receivable,
        amount=D(amount),
        paid_date=day,
        kind="payment",
        recorded_at=datetime.datetime(2026, 11, 30, tzinfo=SP),
    )


@pytest.fixture
def book():
    """T1 900 (issued 01/10, 300 paid 10/11 after a notice of 05/11); T2 600 (issued 15/11,
    50 paid 20/11 with no notice); T3 100 (issued 01/05, paid 15/06 before events existed);
    T4 1.000 cancelled; T5 200 (issued 01/09, notified 02/10, paid 20/10)."""
    branch, customer = make_branch(), make_customer("C1")
    rng = make_range(1, 60)
    t1 = make_receivable(
        branch,
        customer,
        datetime.date(2026, 10, 31),
        "900.00",
        issue_date=datetime.date(2026, 10, 1),
    )
    t2 = make_receivable(
        branch,
        customer,
        datetime.date(2026, 12, 15),
        "600.00",
        issue_date=datetime.date(2026, 11, 15),
    )
    make_receivable(
        branch,
        customer,
        datetime.date(2026, 5, 31),
        "100.00",
        issue_date=datetime.date(2026, 5, 1),
        paid_amount=D("100.00"),
        paid_date=datetime.date(2026, 6, 15),
    )
    make_receivable(
        branch,
        customer,
        datetime.date(2026, 11, 30),
        "1000.00",
        issue_date=datetime.date(2026, 11, 1),
        cancelled=True,
    )
    t5 = make_receivable(
        branch, customer, datetime.date(2026, 9, 30), "200.00", issue_date=datetime.date(2026, 9, 1)
    )
    make_notice(rng, [t1], status="sent", sent_at=datetime.datetime(2026, 11, 5, 10, tzinfo=SP))
    make_notice(rng, [t5], status="sent", sent_at=datetime.datetime(2026, 10, 2, 10, tzinfo=SP))
    pay(t1, "300.00", datetime.date(2026, 11, 10))
    pay(t2, "50.00", datetime.date(2026, 11, 20))
    pay(t5, "200.00", datetime.date(2026, 10, 20))


def test_dso_at_each_month_end_is_the_open_balance_over_90_days_of_sales(book):
    trend = {m.label: (m.open_balance, m.sales, m.dso) for m in dso_by_month(TODAY)}
    assert trend == {
        "jun/2026": (D("0.00"), D("100.00"), D("0.0")),
        "jul/2026": (D("0.00"), D("0.00"), None),
        "ago/2026": (D("0.00"), D("0.00"), None),
        # 100 + 200 issued, 100 paid; 200 issued in the 90 days
        "set/2026": (D("200.00"), D("200.00"), D("90.0")),
        # 1.200 issued, 300 paid; 900 + 200 issued in the 90 days: 900 / 1.100 × 90
        "out/2026": (D("900.00"), D("1100.00"), D("73.6")),
        # 1.800 issued, 650 paid; 900 + 600 issued in the 90 days: 1.150 / 1.500 × 90
        "nov/2026": (D("1150.00"), D("1500.00"), D("69.0")),
    }


def test_recovered_after_notices_counts_only_payments_a_notice_preceded(book):
    assert recovered_after_notices(datetime.date(2026, 11, 1), TODAY) == D("300.00")
    assert recovered_after_notices(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)) == D(
        "200.00"
    )


def test_a_payment_counts_after_a_notice_sent_the_same_evening_in_sao_paulo():
    """Sent at 23:30 on 20/11 in São Paulo (02:30 on the 21st in UTC): a payment of the
    20th counts; one sent at 00:30 on the 21st does not precede it."""
    branch, customer, rng = make_branch(), make_customer("C1"), make_range(1, 60)
    evening = make_receivable(branch, customer, datetime.date(2026, 10, 31), "400.00")
    night = make_receivable(branch, customer, datetime.date(2026, 10, 31), "70.00", document="2")
    make_notice(
        rng, [evening], status="sent", sent_at=datetime.datetime(2026, 11, 20, 23, 30, tzinfo=SP)
    )
    make_notice(
        rng, [night], status="sent", sent_at=datetime.datetime(2026, 11, 21, 0, 30, tzinfo=SP)
    )
    pay(evening, "400.00", datetime.date(2026, 11, 20))
    pay(night, "70.00", datetime.date(2026, 11, 20))
    assert recovered_after_notices(datetime.date(2026, 11, 1), TODAY) == D("400.00")


def test_work_lists_count_what_waits_for_a_person(book):
    branch, customer = make_branch("2"), make_customer("C9", email="")
    rng = make_range(61, 90)
    t = make_receivable(branch, customer, datetime.date(2026, 9, 1))
    make_notice(rng, [t], status="failed")
    make_notice(rng, [t], status="held")
    make_notice(rng, [t], status="skipped", reason="no_email")
    counts = {item["key"]: item["count"] for item in work_lists()}
    assert counts == {
        "failed": 1,
        "uncertain": 0,
        "retry": 0,
        "no_email": 1,
        "print": 0,
        "review": 1,
    }


@time_machine.travel(datetime.datetime(2026, 11, 30, 15, 0, tzinfo=datetime.UTC), tick=False)
def test_the_painel_shows_dso_recovered_and_work_lists_with_links(book, client, operator):
    client.force_login(operator)
    page = client.get(reverse("dashboard")).content.decode()
    assert "DSO (prazo médio de recebimento)" in page
    assert "69,0 dias" in page
    assert "Recuperado após cartas neste mês" in page
    assert "R$ 300,00" in page and "mês passado: R$ 200,00" in page
    assert f'href="{reverse("pending")}">Com falha</a>: <strong>0</strong>' in page
    assert "Cartas para revisar" in page


@pytest.mark.parametrize("amount", ["1.00", "1234.56", "987654321.99", "123456789012.34"])
def test_bar_labels_and_amounts_never_overlap_at_any_amount(amount):
    items = [
        ("a vencer", D(amount), f"R$ {amount}"),
        ("uma faixa de nome muito comprido que não caberia", D("5"), "R$ 5,00"),
    ]
    chart = charts.hbars(items)
    longest_value = max(len(text) for _, _, text in items) * charts.CHAR_WIDTH
    for bar in chart.bars:
        assert len(bar.label) * charts.CHAR_WIDTH <= chart.bar_x - 10  # label before the bar
        assert chart.bar_x + bar.width < chart.value_x  # the bar ends before its amount
        assert chart.value_x + longest_value <= chart.width  # the amount inside the picture
    assert chart.bars[1].label.endswith("…")
    assert chart.bars[1].y - chart.bars[0].y >= chart.bar_height  # rows apart
