import datetime

import pytest
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.delivery.configuration import configure_email
from regua.dunning.models import Notice
from regua.test import (
    deliver_queued,
    make_branch,
    make_customer,
    make_notice,
    make_range,
    make_receivable,
)


def held_letter(name="LOJA DA CARTA LTDA"):
    customer = make_customer(name=name, billing_email="contas@lojadacarta.com.br")
    receivable = make_receivable(
        make_branch(), customer, datetime.date(2026, 10, 15), "980.00", document="771"
    )
    return make_notice(
        make_range(31, 60, template=3, generation="email_and_letter"),
        [receivable],
        status="held",
        recipients=["contas@lojadacarta.com.br"],
    )


@pytest.mark.django_db
def test_the_held_letters_are_listed_with_their_pdf(client, supervisor):
    notice = held_letter()
    client.force_login(supervisor)
    page = client.get(reverse("review")).content.decode()
    assert "LOJA DA CARTA LTDA" in page and "R$ 980,00" in page
    assert reverse("review_letter_pdf", args=[notice.pk]) in page
    pdf = client.get(reverse("review_letter_pdf", args=[notice.pk]))
    assert pdf.content.startswith(b"%PDF") and pdf["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
def test_the_batch_print_joins_every_held_letter_of_the_run(client, supervisor):
    from io import BytesIO

    from pypdf import PdfReader

    notice = held_letter()
    client.force_login(supervisor)
    response = client.get(reverse("review_batch_pdf", args=[notice.run_id]))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "LOJA DA CARTA LTDA" in text


@pytest.mark.django_db
def test_discarding_a_letter_needs_a_reason_and_is_audited(client, supervisor):
    notice = held_letter()
    client.force_login(supervisor)
    response = client.post(reverse("review_discard", args=[notice.pk]), {"reason": ""}, follow=True)
    assert "Informe o motivo do descarte." in response.content.decode()
    client.post(
        reverse("review_discard", args=[notice.pk]), {"reason": "cliente em recuperação judicial"}
    )
    notice.refresh_from_db()
    assert (notice.status, notice.reviewed_by) == ("discarded", "sergio")
    assert AuditEntry.objects.filter(action="notice.discard", user="sergio").exists()


@pytest.mark.django_db(transaction=True)
def test_an_approved_letter_is_sent_with_its_pdf(client, supervisor, smtp_server):
    configure_email(
        "ana",
        host="127.0.0.1",
        port=smtp_server.port,
        security="none",
        from_email="cobranca@exemplo.com.br",
    )
    notice = held_letter()
    client.force_login(supervisor)
    response = client.post(reverse("review_approve", args=[notice.pk]), follow=True)
    assert "aprovada" in response.content.decode()
    assert deliver_queued()["sent"] == 1
    notice = Notice.objects.get(pk=notice.pk)
    assert (notice.status, notice.reviewed_by) == ("sent", "sergio")
    message = smtp_server.messages[-1].message
    attachments = [
        part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert len(attachments) == 1 and attachments[0].get_content().startswith(b"%PDF")
