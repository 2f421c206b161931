import datetime

import pytest
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable


@pytest.fixture
def uncertain(db):
    r = make_receivable(
        make_branch(), make_customer(name="CLIENTE INCERTO"), datetime.date(2026, 11, 10)
    )
    return make_notice(
        make_range(1, 30), [r], status="uncertain", smtp_response="conexão perdida após DATA"
    )


@pytest.mark.django_db
def test_failed_and_uncertain_notices_are_listed_with_the_server_answer(
    client, supervisor, uncertain
):
    client.force_login(supervisor)
    page = client.get(reverse("pending")).content.decode()
    assert "CLIENTE INCERTO" in page and "Incerta" in page and "conexão perdida após DATA" in page


@pytest.mark.django_db
def test_a_supervisor_resends_an_uncertain_notice_and_it_is_audited(client, supervisor, uncertain):
    client.force_login(supervisor)
    client.post(reverse("notice_resend", args=[uncertain.pk]))
    uncertain.refresh_from_db()
    assert uncertain.status == "pending"
    assert AuditEntry.objects.get(action="notice.resend").user == "sergio"


@pytest.mark.django_db
def test_discarding_needs_a_reason(client, supervisor, uncertain):
    client.force_login(supervisor)
    response = client.post(
        reverse("notice_discard", args=[uncertain.pk]), {"reason": " "}, follow=True
    )
    assert "Informe o motivo do descarte." in response.content.decode()
    uncertain.refresh_from_db()
    assert uncertain.status == "uncertain"
    client.post(
        reverse("notice_discard", args=[uncertain.pk]), {"reason": "cliente pagou no balcão"}
    )
    uncertain.refresh_from_db()
    assert (uncertain.status, uncertain.reason) == ("discarded", "cliente pagou no balcão")
