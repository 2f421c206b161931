import datetime

import pytest
import time_machine
from django.urls import reverse

from regua.dunning.models import DunningRun, Notice
from regua.test import (
    deliver_queued,
    make_branch,
    make_collection,
    make_customer,
    make_range,
    make_receivable,
)

TODAY = datetime.date(2026, 11, 30)  # a Monday


@pytest.fixture
def portfolio(db):
    branch = make_branch("1")
    boleto = make_collection("BK")
    good = make_customer(
        "2001", name="MERCADO BOA VISTA LTDA", billing_email="financeiro@boavista.com.br"
    )
    mute = make_customer("2002", name="PADARIA SEM EMAIL", email="", billing_email="")
    blocked = make_customer(
        "2003", name="ATACADO ACORDO", do_not_dun=True, do_not_dun_reason="acordo"
    )
    make_range(1, 30)
    make_range(31, 60, template=2, generation="email_and_letter")
    make_receivable(
        branch, good, datetime.date(2026, 11, 20), "350.00", document="111", collection=boleto
    )
    make_receivable(
        branch, good, datetime.date(2026, 10, 20), "120.00", document="112", collection=boleto
    )
    make_receivable(
        branch, mute, datetime.date(2026, 11, 16), "80.00", document="221", collection=boleto
    )
    make_receivable(
        branch, blocked, datetime.date(2026, 11, 16), "90.00", document="331", collection=boleto
    )
    return branch


def preview_params(**extra):
    return {"reference_date": TODAY.isoformat(), "group_by": "customer", **extra}


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC), tick=False)
def test_the_form_starts_on_today(client, operator):
    client.force_login(operator)
    page = client.get(reverse("run_new")).content.decode()
    assert 'value="2026-11-30"' in page
    assert "O envio de e-mail não está configurado" in page


@pytest.mark.django_db
def test_the_preview_groups_by_branch_and_customer_and_lists_the_skipped_with_reasons(
    client, operator, portfolio
):
    client.force_login(operator)
    page = client.get(reverse("run_new"), preview_params()).content.decode()
    assert "MERCADO BOA VISTA LTDA" in page
    assert "31 a 60 (modelo 2)" in page  # the highest range speaks for the notice
    assert "111/1" in page and "112/1" in page and "R$ 470,00" in page
    assert "financeiro@boavista.com.br" in page
    assert "sem e-mail válido" in page  # the bakery has no address
    assert "cliente marcado para não cobrar" in page
    assert 'id="emitir"' in page
    assert not DunningRun.objects.exists()  # a preview records nothing


@pytest.mark.django_db
def test_the_preview_respects_the_customer_filter(client, operator, portfolio):
    client.force_login(operator)
    page = client.get(reverse("run_new"), preview_params(customers="2002")).content.decode()
    assert "PADARIA SEM EMAIL" in page
    assert "MERCADO BOA VISTA" not in page


@pytest.mark.django_db
def test_an_unknown_customer_code_is_reported_on_the_form(client, operator, portfolio):
    client.force_login(operator)
    page = client.get(reverse("run_new"), preview_params(customers="9999")).content.decode()
    assert "Cliente não encontrado: 9999." in page


@pytest.mark.django_db(transaction=True)
def test_emitting_records_the_run_with_the_user_and_opens_its_progress(client, operator, portfolio):
    client.force_login(operator)
    response = client.post(reverse("run_new"), preview_params())
    run = DunningRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("run", args=[run.pk])
    assert run.user == "olga"
    assert set(Notice.objects.values_list("customer__code", "status")) == {
        ("2001", "held"),
        ("2002", "skipped"),
    }
    page = client.get(reverse("run_progress", args=[run.pk])).content.decode()
    assert "Envio concluído" in page
    assert "Aguardando revisão: 1" in page
    assert "cliente sem e-mail válido" in page  # the summary links the skipped notice


@pytest.mark.django_db
def test_emitting_is_a_post_only_action_for_who_may_run_dunning(client, db):
    from regua.web.tests.conftest import make_user

    client.force_login(make_user("sem_grupo", None))
    assert client.post(reverse("run_new"), preview_params()).status_code == 403
    assert not DunningRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_without_email_settings_the_progress_stops_polling_and_says_why(
    client, operator, portfolio
):
    from regua.dunning.models import NoticeStatus

    client.force_login(operator)
    # On the 19th título 112 is 30 days late: one e-mail notice, pending.
    client.post(reverse("run_new"), preview_params(reference_date="2026-11-19"))
    deliver_queued()  # what a worker would do: nothing can be sent yet
    run = DunningRun.objects.get()
    assert Notice.objects.filter(run=run, status=NoticeStatus.PENDING).exists()
    page = client.get(reverse("run_progress", args=[run.pk])).content.decode()
    assert "Envio parado" in page and "hx-get" not in page
