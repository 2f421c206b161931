"""Clientes sem e-mail válido (R7) as one work list after a run and on the Painel."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from regua.dunning.models import DunningRun, Notice
from regua.dunning.runs import execute_run
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def two_runs(client, operator):
    make_range(1, 30)
    branch = make_branch("1")
    mute = make_customer("2002", name="PADARIA SEM EMAIL", email="", billing_email="")
    refused = make_customer(
        "2003", name="BAR DO ZE", email="ze@bar.com.br", invalid_emails=["ze@bar.com.br"]
    )
    good = make_customer("2001", name="MERCADO BOA VISTA LTDA")
    make_receivable(branch, mute, datetime.date(2026, 11, 16), "80.00", document="221")
    make_receivable(branch, mute, datetime.date(2026, 11, 17), "20.50", document="222")
    make_receivable(branch, refused, datetime.date(2026, 11, 16), "300.00", document="331")
    make_receivable(branch, good, datetime.date(2026, 11, 16), "10.00", document="111")
    execute_run(datetime.date(2026, 11, 29), user="ana")
    execute_run(datetime.date(2026, 11, 30), user="ana")
    client.force_login(operator)
    return DunningRun.objects.order_by("pk").last()


def test_after_a_run_each_customer_without_email_is_one_line_with_its_titulos_and_amount(
    client, two_runs
):
    page = client.get(reverse("run", args=[two_runs.pk])).content.decode()

    work = page.split('id="no-email-title"')[1]
    assert work.count("<tr>") == 3  # the header and one line per customer
    rows = work.split("<tr>")[2:]
    assert "2003 – BAR DO ZE" in rows[0] and "R$ 300,00" in rows[0]
    assert "recusado: ze@bar.com.br" in rows[0]
    assert "2002 – PADARIA SEM EMAIL" in rows[1] and "R$ 100,50" in rows[1]
    assert '<td class="num">2</td>' in rows[1]  # two títulos
    assert reverse("customer", args=[two_runs.notice_set.first().customer_id]) in work
    # The history still keeps every skipped notice (R10): one per run and customer.
    assert Notice.objects.filter(status="skipped", reason="no_email").count() == 4


def test_the_painel_lists_who_still_has_no_email_and_leaves_out_who_was_fixed(client, two_runs):
    page = client.get(reverse("dashboard")).content.decode()
    assert "2 clientes ficaram sem carta nos últimos 30 dias" in page
    assert "(R$ 400,50 em aberto)" in page

    from regua.receivables.models import Customer

    Customer.objects.filter(code="2003").update(email="ze@novo.com.br", invalid_emails=[])
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 cliente ficou sem carta nos últimos 30 dias" in page
    assert "BAR DO ZE" not in page.split('id="no-email-painel"')[1]

    run_page = client.get(reverse("run", args=[two_runs.pk])).content.decode()
    assert "corrigido" in run_page  # the run's own list still shows it, fixed since


def test_the_whole_list_has_a_page_of_its_own(client, two_runs):
    page = client.get(reverse("customers_without_email")).content.decode()

    assert "nos últimos 30 dias" in page
    assert "PADARIA SEM EMAIL" in page and "BAR DO ZE" in page
    assert "MERCADO BOA VISTA" not in page


def test_a_customer_without_email_or_postal_address_in_an_email_and_letter_range_is_listed(
    client, operator
):
    make_range(1, 30, 2, "email_and_letter")
    branch = make_branch("1")
    nowhere = make_customer("2004", name="SEM NADA LTDA", email="")
    postal = make_customer(
        "2005", name="SO CORREIO LTDA", email="", address="Rua A, 1", zip_code="01001-000"
    )
    make_receivable(branch, nowhere, datetime.date(2026, 11, 16), "50.00", document="441")
    make_receivable(branch, postal, datetime.date(2026, 11, 16), "60.00", document="551")
    run = execute_run(datetime.date(2026, 11, 30), user="ana").run
    assert run is not None
    client.force_login(operator)

    page = client.get(reverse("run", args=[run.pk])).content.decode()

    work = page.split('id="no-email-title"')[1]
    assert "2004 – SEM NADA LTDA" in work
    assert "sem endereço postal completo para a carta pelo correio" in work
    assert "SO CORREIO LTDA" not in work  # a letter by post goes to review instead
    assert Notice.objects.get(customer=postal).status == "held"
