"""Cartas para imprimir on the pages: approve a letter-only notice, batch it in the
background, print, reprint only when asked, mark posted, mark returned (R7, R8)."""

import datetime

import pytest
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.dunning import lifecycle
from regua.dunning.models import Notice
from regua.letters.models import PrintBatch
from regua.test import (
    deliver_queued,
    make_branch,
    make_customer,
    make_notice,
    make_range,
    make_receivable,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters(db):
    """Two held letter-only notices of customers without e-mail, with postal addresses."""
    letter = make_range(31, 60, template=2, generation="email_and_letter")
    branch = make_branch("1")
    notices = []
    for n in range(2):
        customer = make_customer(
            f"P{n}",
            name=f"CLIENTE POSTAL {n}",
            email="",
            address=f"Rua das Flores, {n + 10}",
            district="Centro",
            zip_code="01001-000",
        )
        receivable = make_receivable(branch, customer, datetime.date(2026, 10, 15), "321.00")
        notices.append(make_notice(letter, [receivable], status="held", channels="letter"))
    return notices


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_letter_only_notice_goes_from_review_to_a_posted_batch(
    client, supervisor, letters, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    first, second = letters
    for notice in letters:
        response = client.post(reverse("review_approve", args=[notice.pk]), follow=True)
        assert f"Carta {notice.pk} aprovada: está na fila de cartas para imprimir." in (
            messages_of(response)
        )
    page = client.get(reverse("print_queue")).content.decode()
    assert "2 cartas esperando impressão" in page
    assert "Criar lote com 2 cartas" in page
    assert "Rua das Flores, 10" in page and "R$ 321,00" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("print_batch_create"))
    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("print_batch", args=[batch.number])
    building = client.get(response["Location"]).content.decode()
    assert "em preparação" in building.lower()
    assert 'hx-get="' + reverse("print_batch", args=[batch.number]) in building  # polls

    deliver_queued()  # the worker builds the batch

    ready = client.get(reverse("print_batch", args=[batch.number]), HTTP_HX_REQUEST="true")
    assert "Imprimir o lote (PDF)" in ready.content.decode()
    assert "2 cartas no lote." in ready.content.decode()
    pdf = client.post(reverse("print_batch_pdf", args=[batch.number]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    again = client.post(reverse("print_batch_pdf", args=[batch.number]), follow=True)
    assert any("peça a reimpressão" in m for m in messages_of(again))
    reprint = client.post(reverse("print_batch_pdf", args=[batch.number]), {"reimprimir": "1"})
    assert reprint.content == pdf.content

    posted = client.post(reverse("print_batch_posted", args=[batch.number]), follow=True)
    assert f"Lote {batch.number} marcado como postado: 2 cartas enviadas." in messages_of(posted)
    for notice in letters:
        notice.refresh_from_db()
        assert (notice.status, notice.posted_by) == ("sent", "sergio")
        assert lifecycle.channels_of(notice) == ["letter"]

    returned = client.post(reverse("notice_returned", args=[first.pk]), follow=True)
    assert any("marcada como devolvida" in m for m in messages_of(returned))
    first.customer.refresh_from_db()
    assert first.customer.postal_address_invalid
    customer_page = client.get(reverse("customer", args=[first.customer.pk])).content.decode()
    assert "endereço inválido: uma carta voltou pelos Correios" in customer_page
    notice_page = client.get(reverse("notice", args=[first.pk])).content.decode()
    assert "carta pelo correio" in notice_page and f"Lote {batch.number}" in notice_page
    assert "postada por sergio" in notice_page and "devolvida pelos Correios" in notice_page
    assert AuditEntry.objects.filter(action="notice.returned", object_id=str(first.pk)).exists()


def test_an_empty_queue_creates_no_batch(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("print_batch_create"), follow=True)
    assert "Não há cartas na fila de impressão." in messages_of(response)
    assert not PrintBatch.objects.exists()
    assert (
        "Nenhuma carta esperando impressão." in client.get(reverse("print_queue")).content.decode()
    )


def test_an_operator_cannot_print_or_post(client, letters):
    from regua.web.tests.conftest import make_user

    client.force_login(make_user("olga", "operator"))
    assert client.get(reverse("print_queue")).status_code == 403
    assert client.post(reverse("print_batch_create")).status_code == 403
    assert not PrintBatch.objects.exists()
    assert Notice.objects.filter(status="held").count() == 2
