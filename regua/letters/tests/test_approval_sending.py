"""An approved "Email e Carta" notice goes out over SMTP with its letter attached (R8)."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from regua.delivery import dispatch
from regua.delivery.models import EmailSettings
from regua.dunning.models import NoticeStatus
from regua.letters.review import approve, list_held
from regua.letters.tests.builders import make_held_notice, pdf_text, stored_pdf
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings):
    settings.REGUA_EMAIL_CAPTURE = False
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    EmailSettings.objects.create(
        pk=1, host="127.0.0.1", port=port, security="none", from_email="cobranca@exemplo.com.br"
    )
    yield inbox
    controller.stop()


def test_an_approved_letter_is_sent_with_the_pdf_the_reviewer_saw(smtp_inbox):
    branch = make_branch("1")
    customer = make_customer(name="MERCADO BOA VISTA LTDA", billing_email="fin@boavista.com.br")
    receivable = make_receivable(branch, customer, datetime.date(2026, 11, 1), "480.00")
    notice = make_held_notice(
        make_range(1, 60, template=3, generation="email_and_letter"), [receivable]
    )
    notice.recipients = ["fin@boavista.com.br"]
    notice.save()
    list_held()
    seen = stored_pdf(notice)

    dispatch(approve([notice.pk], "ana").done, "now")

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    [raw] = smtp_inbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Notificação extrajudicial - DISTRIBUIDORA EXEMPLO 1 LTDA"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    letter = attachment.get_content()
    assert letter == seen
    assert "MERCADO BOA VISTA LTDA" in pdf_text(letter)
    plain = message.get_body(("plain",))
    assert plain is not None
    body = plain.get_content()
    assert "R$ 480,00" in body and "desconsidere" in body
