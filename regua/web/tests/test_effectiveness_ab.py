"""Efetividade: model A against model B in a range with an A/B split (issue 16)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from regua.dunning.ab_report import compare
from regua.dunning.effectiveness import wilson
from regua.dunning.models import DelayRange, Notice
from regua.dunning.ranges import save_range
from regua.receivables.models import PaymentEvent
from regua.test import make_branch, make_customer, make_notice, make_receivable
from regua.web.tests.conftest import make_user

pytestmark = pytest.mark.django_db

SP = ZoneInfo("America/Sao_Paulo")
D = Decimal
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def split_history(a_customers: int, a_paid: int, b_customers: int, b_paid: int) -> DelayRange:
    """Range 1–15 with model 1 (A) and model 2 (B); each customer one título of 100,00 due
    01/10, notified on 05/10; the first ``*_paid`` of each side pay it all on 08/10."""
    r = save_range(
        user="ana", start_day=1, end_day=15, template=1, template_b=2, share=50, name="Lembrete"
    )
    branch = make_branch("1")
    for side, customers, paid in (("A", a_customers, a_paid), ("B", b_customers, b_paid)):
        for n in range(customers):
            customer = make_customer(f"{side}{n:03}")
            t = make_receivable(branch, customer, datetime.date(2026, 10, 1))
            notice = make_notice(
                r,
                [t],
                status="sent",
                sent_at=datetime.datetime(2026, 10, 5, 10, tzinfo=SP),
                reference_date=datetime.date(2026, 10, 5),
            )
            if side == "B":
                Notice.objects.filter(pk=notice.pk).update(template=r.template_b, template_number=2)
            if n < paid:
                PaymentEvent.objects.create(
                    receivable=t,
                    amount=D("100.00"),
                    paid_date=datetime.date(2026, 10, 8),
                    kind="payment",
                    recorded_at=datetime.datetime(2026, 10, 9, tzinfo=SP),
                )
    return r


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_two_models_are_compared_with_counts_and_intervals():
    r = split_history(40, 10, 40, 30)

    (c,) = compare(*OCTOBER)

    assert c.delay_range == r
    assert (c.a.notices, c.a.titulos, c.a.notified, c.a.recovered, c.a.titulos_paid) == (
        40, 40, D("4000.00"), D("1000.00"), 10,
    )  # fmt: skip
    assert (c.b.notices, c.b.titulos, c.b.notified, c.b.recovered, c.b.titulos_paid) == (
        40, 40, D("4000.00"), D("3000.00"), 30,
    )  # fmt: skip
    assert (c.a.rate, c.b.rate) == (D("0.2500"), D("0.7500"))
    assert c.a.interval == wilson(10, 40) == (D("0.1419"), D("0.4019"))
    assert c.b.interval == wilson(30, 40) == (D("0.5981"), D("0.8581"))
    assert c.verdict == "O modelo B recupera mais: os intervalos de 95 % não se sobrepõem."


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_below_the_minimum_count_it_says_poucos_dados():
    split_history(10, 2, 29, 20)

    (c,) = compare(*OCTOBER)

    assert (c.a.titulos, c.b.titulos) == (10, 29)
    assert c.a.interval is None and c.b.interval is None
    assert c.verdict.startswith("Poucos dados: cada modelo precisa de pelo menos 30 títulos")


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_overlapping_intervals_say_the_difference_may_be_chance():
    split_history(40, 20, 40, 22)
    (c,) = compare(*OCTOBER)
    assert c.verdict == "Os intervalos de 95 % se sobrepõem: a diferença pode ser acaso."


def test_no_split_no_comparison():
    save_range(user="ana", start_day=1, end_day=15, template=1)
    assert compare(*OCTOBER) == []


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_page_shows_the_comparison(client):
    split_history(40, 10, 40, 30)
    client.force_login(make_user("ana", "operator"))

    html = client.get(reverse("effectiveness"), {"de": "2026-10-01", "ate": "2026-10-31"})
    text = html.content.decode()

    assert "Teste A/B dos modelos" in text
    for expected in (
        "Modelo A: 1 –",
        "Modelo B: 2 –",
        "R$ 1.000,00",
        "R$ 3.000,00",
        "IC 95 %: 14,2 % a 40,2 %",
        "IC 95 %: 59,8 % a 85,8 %",
        "O modelo B recupera mais",
    ):
        assert expected in text, expected


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_page_has_no_ab_section_without_a_split(client):
    client.force_login(make_user("ana", "operator"))
    html = client.get(reverse("effectiveness")).content.decode()
    assert "Efetividade da régua" in html
    assert "Teste A/B dos modelos" not in html
