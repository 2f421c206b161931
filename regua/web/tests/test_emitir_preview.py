"""Emitir as routine 1213 does it: counts for the confirmation, groups by branch and range,
customers left out by a tick, and the títulos fora de qualquer faixa listed apart."""

import datetime

import pytest
from django.urls import reverse

from regua.dunning.models import DunningRun, Notice
from regua.test import make_branch, make_customer, make_range, make_receivable

TODAY = datetime.date(2026, 11, 30)  # a Monday


@pytest.fixture
def portfolio(db):
    branch = make_branch("1")
    make_range(1, 30)
    make_range(31, 60, template=2, generation="email_and_letter")  # beyond 60: nothing
    good = make_customer("2001", name="MERCADO BOA VISTA LTDA")
    other = make_customer("2004", name="EMPORIO CENTRAL")
    mute = make_customer("2002", name="PADARIA SEM EMAIL", email="", billing_email="")
    make_receivable(branch, good, datetime.date(2026, 11, 20), "350.00", document="111")
    make_receivable(branch, other, datetime.date(2026, 10, 20), "120.00", document="412")
    make_receivable(branch, mute, datetime.date(2026, 11, 16), "80.00", document="221")
    make_receivable(branch, good, datetime.date(2026, 8, 3), "99.90", document="OLD")
    return branch


def params(**extra):
    return {"reference_date": TODAY.isoformat(), "group_by": "customer", **extra}


@pytest.mark.django_db
def test_the_preview_says_what_goes_now_what_goes_to_review_and_who_has_no_email(
    client, operator, portfolio
):
    client.force_login(operator)
    page = client.get(reverse("run_new"), params()).content.decode()

    assert "1 e-mail será enviado agora;" in page
    assert "1 carta vai para a revisão (e-mail e carta);" in page
    assert "1 cliente sem e-mail válido;" in page
    assert "0 títulos numa faixa ficam de fora" in page
    assert "1 título fora de qualquer faixa." in page
    # One group per branch and range, each customer with its own ticked box.
    assert "faixa 1 a 30 (modelo 1)" in page and "faixa 31 a 60 (modelo 2)" in page
    assert page.count('class="include" checked') == 3
    assert 'data-customer="2001" data-status="pending"' in page


@pytest.mark.django_db
def test_titulos_outside_every_range_are_listed_apart_from_the_skips(client, operator, portfolio):
    client.force_login(operator)
    page = client.get(reverse("run_new"), params()).content.decode()

    outside = page.split('id="outside"')[1]
    assert "Fora de qualquer faixa: 1 título, R$ 99,90" in outside
    assert "OLD/1" in outside and "119 dias de atraso" in outside
    assert "além da última faixa" in outside
    assert 'id="skipped"' not in page  # the run's skips hold only títulos in a range


@pytest.mark.django_db(transaction=True)
def test_a_customer_left_out_in_the_preview_gets_no_notice_and_the_run_says_so(
    client, operator, portfolio
):
    client.force_login(operator)
    response = client.post(reverse("run_new"), params(leave_out="2004,2002"))

    run = DunningRun.objects.get()
    assert response["Location"] == reverse("run", args=[run.pk])
    assert list(Notice.objects.values_list("customer__code", flat=True)) == ["2001"]
    assert run.filters == {"excluded_customers": ["2004", "2002"]}


@pytest.mark.django_db
def test_a_big_group_opens_collapsed(client, operator, portfolio):
    for n in range(31):
        customer = make_customer(f"9{n:03}", name=f"CLIENTE {n}")
        make_receivable(portfolio, customer, datetime.date(2026, 11, 20), document=f"9{n}")
    client.force_login(operator)
    page = client.get(reverse("run_new"), params()).content.decode()

    tags = [chunk.split(">")[0] for chunk in page.split('<details class="preview-group"')[1:]]
    assert [tag.endswith(" open") for tag in tags] == [False, True]  # 33 notices, then 1
    assert "33 clientes" in page  # 31 more, 2001 and 2002
