"""LGPD: no captured copy of a customer's messages outlives its redaction or the pruning."""

import datetime
import zoneinfo

import pytest

from regua.audit.models import AuditEntry
from regua.delivery.models import CapturedEmail, EmailSettings
from regua.delivery.outbox import deliver_now
from regua.delivery.smtp import send_test_message
from regua.delivery.tests.builders import make_outbox_notice, refreshed
from regua.privacy.redaction import redact_customer
from regua.privacy.retention import prune_history

pytestmark = pytest.mark.django_db

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")
NAME = "JOANA DA SILVA PEREIRA"


@pytest.fixture(autouse=True)
def capture_mode(db):
    EmailSettings.objects.create(pk=1, mode="capture", from_email="cobranca@exemplo.com.br")


def delivered(**fields):
    """A notice sent in capture mode: its message is stored, never sent."""
    notice = make_outbox_notice(**fields)
    deliver_now([notice.pk])
    notice = refreshed(notice)
    assert notice.status == "sent"
    return notice


def mentions(captured: CapturedEmail, *values: str) -> bool:
    text = " ".join(
        [
            captured.from_header,
            *captured.to,
            *captured.cc,
            *captured.bcc,
            captured.subject,
            captured.body_text,
            captured.body_html,
            bytes(captured.raw).decode("ascii", "replace"),
        ]
    ).lower()
    return any(value.lower() in text for value in values)


def test_redacting_a_customer_deletes_the_captured_copies_of_its_notices_and_messages_to_it():
    notice = delivered(
        customer_name=NAME,
        subject=f"Aviso de débito - {NAME}",
        body_text=f"Prezado(a) {NAME},\nconsta em aberto o título abaixo.\n",
    )
    customer = notice.customer
    # Not linked to a notice, but to the customer's address: a test message someone sent it.
    assert send_test_message(customer.email)[0]
    # A longer address containing the customer's one is somebody else's.
    other = delivered(recipients=[f"outra.{customer.email}"])
    assert CapturedEmail.objects.count() == 3
    assert mentions(CapturedEmail.objects.get(notice=notice), NAME, customer.email)

    result = redact_customer(customer, reason="Pedido LGPD 2026-117", user="dpo")

    left = list(CapturedEmail.objects.all())
    assert [c.notice_id for c in left] == [other.pk]
    assert not any(mentions(c, NAME) for c in left)
    assert result.other_records == 2
    entry = AuditEntry.objects.get(action="privacy.redact_customer")
    assert entry.changes["other_records"] == 2


def test_pruning_the_history_deletes_the_captured_copies_of_the_pruned_notices(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=SP), tick=False)
    old = delivered(customer_name=NAME, subject=f"Aviso de débito - {NAME}")
    time_machine.move_to(datetime.datetime(2031, 12, 1, 9, 0, tzinfo=SP), tick=False)
    recent = delivered()
    assert CapturedEmail.objects.filter(notice=old).exists()

    result = prune_history(user="dpo")

    assert result.notices == 1
    left = list(CapturedEmail.objects.all())
    assert [c.notice_id for c in left] == [recent.pk]
    assert not any(mentions(c, NAME, old.customer.email) for c in left)


def test_a_dry_run_of_the_pruning_keeps_the_captured_copies(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=SP), tick=False)
    old = delivered()
    time_machine.move_to(datetime.datetime(2031, 12, 1, 9, 0, tzinfo=SP), tick=False)

    prune_history(user="dpo", dry_run=True)

    assert CapturedEmail.objects.filter(notice=old).count() == 1
