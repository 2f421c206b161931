import datetime
import json
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from regua.audit import log
from regua.audit.models import AuditEntry
from regua.dunning.models import Notice, NoticeItem
from regua.privacy.redaction import REDACTED, RedactionRefused, redact_customer
from regua.privacy.signals import customer_redacted
from regua.privacy.tests.builders import ensure_templates, make_person, make_sent_notice
from regua.receivables.models import Customer, Receivable
from regua.test import make_branch, make_customer, make_range, make_receivable, set_state

DUE = datetime.date(2026, 11, 10)
NAME = "MARIANA DE SOUZA TAVARES"
EMAIL = "mariana.tavares@exemplo-cliente.com.br"
BILLING = "financeiro.mariana@exemplo-cliente.com.br"
PERSONAL = [NAME, EMAIL, BILLING, "123.456.789-09", "98765-4321", "Rua Harmonia"]


def history(name=NAME, email=EMAIL, billing=BILLING):
    """A customer with a sent, a failed and a discarded notice, an edit in the audit log."""
    branch = make_branch()
    person = make_person(
        name=name,
        email=email,
        billing_email=f"{billing}; {email}",
        do_not_dun=True,
        do_not_dun_reason=f"Promessa de pagamento de {name}",
    )
    other = make_customer("C2", name="OUTRO CLIENTE LTDA", email="outro@cliente.com.br")
    d1 = make_receivable(branch, person, DUE, "100.00", document="D1")
    d2 = make_receivable(
        branch, person, DUE, "250.50", document="D2", do_not_dun_reason=f"Acordo com {name}"
    )
    first, second = make_range(15, 30, 1), make_range(31, 60, 2, "email_and_letter")
    sent = make_sent_notice(first, [d1, d2], status="pending", recipients=[billing, email])
    # As the outbox leaves it: claimed, then accepted, each step a new version of the row.
    set_state(sent, "sending", claimed_by="worker-1")
    set_state(
        sent,
        "sent",
        accepted_recipients=[billing, email],
        smtp_response=f"250 2.0.0 Ok: queued for <{email}>",
        sent_at=timezone.now(),
        pdf=f"%PDF-1.7 carta para {name}".encode(),
    )
    failed = make_sent_notice(
        second,
        [d1],
        status="failed",
        reason="refused",
        recipients=[email],
        refused_recipients={email: f"550 5.1.1 <{email}>: user unknown"},
        smtp_response=f"550 5.1.1 <{email}>: user unknown",
    )
    discarded = make_sent_notice(
        second, [d2], status="discarded", reason="paid", recipients=[email]
    )
    make_sent_notice(first, [make_receivable(branch, other, DUE, "10.00", document="X1")])
    before = Customer(**{f.attname: getattr(person, f.attname) for f in Customer._meta.fields})
    person.email = "novo.mariana@exemplo-cliente.com.br"
    log.record(
        "ana",
        "customer.update",
        person,
        f"Cliente C1 - {name} alterado.",
        log.diff(before, person, ["email"]),
    )
    person.email = email
    log.record("ana", "customer.note", None, f"Ligação de {name} sobre o título D1.")
    log.record(
        "ana", "branch.update", branch, "Filial 1 alterada.", {"city": ["Santos", "São Paulo"]}
    )
    return person, [sent, failed, discarded]


def kept_fields(customer):
    """What must survive a redaction: amounts, dates, ranges, states and títulos."""
    notices = list(
        Notice.objects.filter(customer=customer)
        .order_by("pk")
        .values(
            "pk", "run_id", "branch_id", "status", "reason", "range_start", "range_end",
            "template_number", "generation", "reference_date", "user", "total_balance",
            "message_id", "attempts", "created_at", "sent_at", "reviewed_by", "reviewed_at",
        )
    )  # fmt: skip
    items = list(
        NoticeItem.objects.filter(notice__customer=customer)
        .order_by("pk")
        .values(
            "pk", "notice_id", "receivable_id", "due_date", "effective_due_date", "days_overdue",
            "range_start", "range_end", "balance", "fine", "interest", "updated_amount", "blocks",
        )
    )  # fmt: skip
    receivables = list(
        Receivable.objects.filter(customer=customer).order_by("pk").values(
            "pk", "branch_id", "document", "installment", "issue_date", "due_date", "amount",
            "paid_amount", "paid_date", "cancelled", "settled", "do_not_dun", "do_not_dun_until",
        )
    )  # fmt: skip
    return notices, items, receivables


def stored_text():
    """Every value of every row of every table Régua's models know, as text."""
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        for row in model._base_manager.values_list():
            for value in row:
                if isinstance(value, bytes | memoryview):
                    yield bytes(value).decode("latin-1")
                elif isinstance(value, dict | list):
                    yield json.dumps(value, ensure_ascii=False)
                elif value is not None:
                    yield str(value)


def leftovers(values):
    return sorted({v for text in stored_text() for v in values if v.casefold() in text.casefold()})


@pytest.mark.django_db
def test_it_replaces_every_personal_field_of_the_customer():
    person, _ = history()

    redact_customer(person, reason="Pedido do titular, protocolo 2026-117", user="dpo")

    person.refresh_from_db()
    assert person.name == REDACTED
    assert person.code == "C1"
    for field in ("document", "email", "billing_email", "phone", "address", "district"):
        assert getattr(person, field) == "", field
    assert (person.city, person.state, person.zip_code, person.invalid_emails) == ("", "", "", [])
    assert person.redacted_at is not None
    assert person.do_not_dun is True
    assert person.do_not_dun_reason == f"Promessa de pagamento de {REDACTED}"
    assert Receivable.objects.get(document="D2").do_not_dun_reason == f"Acordo com {REDACTED}"


@pytest.mark.django_db
def test_it_redacts_recipients_subjects_bodies_and_drops_the_pdfs():
    person, (sent, failed, discarded) = history()

    redact_customer(person, reason="Pedido do titular", user="dpo")

    sent.refresh_from_db()
    assert sent.recipients == [REDACTED, REDACTED]
    assert sent.accepted_recipients == [REDACTED, REDACTED]
    assert sent.subject == REDACTED
    assert sent.body_text == REDACTED
    assert sent.body_html == ""
    assert sent.pdf is None
    assert sent.smtp_response == f"250 2.0.0 Ok: queued for <{REDACTED}>"
    failed.refresh_from_db()
    assert failed.refused_recipients == {f"{REDACTED} 1": f"550 5.1.1 <{REDACTED}>: user unknown"}
    assert failed.smtp_response == f"550 5.1.1 <{REDACTED}>: user unknown"


@pytest.mark.django_db
def test_it_keeps_amounts_dates_ranges_states_and_titulos():
    person, _ = history()
    before = kept_fields(person)

    redact_customer(person, reason="Pedido do titular", user="dpo")

    assert kept_fields(person) == before
    notices, items, receivables = before
    assert [n["status"] for n in notices] == ["sent", "failed", "discarded"]
    assert [n["total_balance"] for n in notices] == [
        Decimal("350.50"),
        Decimal("100.00"),
        Decimal("250.50"),
    ]
    assert len(items) == 4 and len(receivables) == 2


@pytest.mark.django_db
def test_no_copy_of_the_personal_data_is_left_in_any_table():
    person, _ = history()
    assert leftovers(PERSONAL) == sorted(PERSONAL)

    redact_customer(person, reason=f"Pedido de {NAME} por e-mail ({EMAIL})", user="dpo")

    assert leftovers(PERSONAL) == []
    assert leftovers(["novo.mariana@exemplo-cliente.com.br"]) == []
    # The other customer, and unrelated audit entries, are untouched.
    assert leftovers(["OUTRO CLIENTE LTDA", "outro@cliente.com.br", "Santos"]) == [
        "OUTRO CLIENTE LTDA",
        "Santos",
        "outro@cliente.com.br",
    ]


@pytest.mark.django_db
def test_it_scrubs_the_audit_log_entries_that_held_the_data():
    person, _ = history()

    redact_customer(person, reason="Pedido do titular", user="dpo")

    edit = AuditEntry.objects.get(action="customer.update")
    assert edit.description == f"Cliente C1 - {REDACTED} alterado."
    assert edit.changes == {"email": [REDACTED, REDACTED]}
    note = AuditEntry.objects.get(action="customer.note")
    assert note.description == f"Ligação de {REDACTED} sobre o título D1."
    branch_edit = AuditEntry.objects.get(action="branch.update")
    assert branch_edit.changes == {"city": ["Santos", "São Paulo"]}


@pytest.mark.django_db
def test_a_short_name_is_replaced_as_a_word_only():
    person, _ = history(name="ANA")
    log.record("bruno", "customer.note", None, "Conversa com MARIANA, não com Ana.")

    redact_customer(person, reason="Pedido do titular", user="dpo")

    note = AuditEntry.objects.get(action="customer.note", user="bruno")
    assert note.description == f"Conversa com MARIANA, não com {REDACTED}."


@pytest.mark.django_db
def test_it_writes_one_audit_entry_with_the_counts_and_no_personal_data():
    person, _ = history()

    result = redact_customer(person, reason=f"Pedido de {NAME}, protocolo 117", user="dpo")

    entry = AuditEntry.objects.get(action="privacy.redact_customer")
    assert entry.user == "dpo"
    assert entry.object_id == str(person.pk)
    assert entry.changes["reason"] == f"Pedido de {REDACTED}, protocolo 117"
    assert entry.changes["notices"] == 3 == result.notices
    assert entry.changes["pdfs_removed"] == 1
    assert entry.changes["audit_entries"] == 2
    assert entry.changes["receivables_kept"] == 2
    assert "C1" in entry.description
    assert NAME not in entry.description + json.dumps(entry.changes, ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending", "held", "sending", "retry", "uncertain"])
def test_it_refuses_while_a_notice_is_still_on_its_way(status):
    person, _ = history()
    waiting = make_sent_notice(
        make_range(61, 90, 3), [Receivable.objects.get(document="D1")], status=status
    )

    with pytest.raises(RedactionRefused, match=rf"ainda não concluída: {waiting.pk} \("):
        redact_customer(person, reason="Pedido do titular", user="dpo")

    person.refresh_from_db()
    assert person.name == NAME
    assert person.redacted_at is None
    assert not AuditEntry.objects.filter(action="privacy.redact_customer").exists()


@pytest.mark.django_db
def test_apps_keeping_copies_are_told_and_counted():
    person, notices = history()
    calls = []

    def receiver(sender, customer, notice_ids, values, user, **kwargs):
        calls.append((customer.pk, notice_ids, EMAIL in values, user))
        return 4

    customer_redacted.connect(receiver)
    try:
        redact_customer(person, reason="Pedido do titular", user="dpo")
    finally:
        customer_redacted.disconnect(receiver)

    assert calls == [(person.pk, [n.pk for n in notices], True, "dpo")]
    assert AuditEntry.objects.get(action="privacy.redact_customer").changes["other_records"] == 4


@pytest.mark.django_db
def test_the_command_needs_a_reason_and_the_permission():
    history()
    User.objects.create_user("caixa")

    with pytest.raises(CommandError, match="não tem a permissão necessária"):
        call_command("privacy", "redact", "--customer", "C1", "--reason", "x", "--user", "caixa")
    with pytest.raises(CommandError, match="Informe o motivo"):
        call_command("privacy", "redact", "--customer", "C1", "--reason", "  ")

    assert Customer.objects.get(code="C1").name == NAME


@pytest.mark.django_db
def test_the_command_refuses_a_notice_on_its_way_with_its_reason():
    person, _ = history()
    make_sent_notice(make_range(61, 90, 3), [Receivable.objects.get(document="D1")], status="held")

    with pytest.raises(CommandError, match="Descarte-a na revisão ou aguarde o envio"):
        call_command("privacy", "redact", "--customer", "C1", "--reason", "Pedido")


def test_after_the_command_the_database_files_hold_no_copy(regua_cli):
    ensure_templates()
    # Names no other test wrote, so leftovers of earlier tests cannot be mistaken for ours.
    token = secrets.token_hex(6).upper()
    name, email, billing = (
        f"JOÃO {token} DA SILVA",
        f"joao.{token}@x.com.br",
        f"fin.{token}@x.com.br",
    )
    history(name=name, email=email, billing=billing)
    values = [name, email.lower(), billing.lower(), token]
    assert leftovers(values) == sorted(values)

    done = regua_cli("privacy", "redact", "--customer", "C1", "--reason", "Pedido do titular")

    assert done.returncode == 0, done.stderr
    assert "Dados pessoais do cliente C1 removidos: 3 cartas" in done.stdout
    assert leftovers(values) == []
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        # Read in another process: closing a file of the database here would drop every POSIX
        # lock SQLite holds on it in this process, and the next process to close its last
        # connection would delete the WAL under this one.
        found = subprocess.run(
            [sys.executable, "-c", READ_FILES, str(path), *values],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert found == [], found


READ_FILES = """
import pathlib, sys
path = pathlib.Path(sys.argv[1])
files = [p for p in (path, pathlib.Path(f"{path}-wal")) if p.exists()]
content = b"".join(p.read_bytes() for p in files).lower()
print(" ".join(v for v in sys.argv[2:] if v.encode().lower() in content))
"""


@pytest.mark.django_db
def test_it_scrubs_the_person_out_of_the_notes_of_pauses_set_in_regua():
    from regua.receivables import pauses
    from regua.receivables.models import Pause

    person, _ = history()
    pauses.pause_customer(
        person, until=None, reason="promise", note=f"Promessa de {NAME}", user="ana"
    )
    pauses.pause_receivable(
        Receivable.objects.get(document="D1"),
        until=None,
        reason="agreement",
        note=f"Acordo assinado por {NAME}",
        user="ana",
    )

    redact_customer(person, reason="Pedido do titular", user="dpo")

    assert sorted(Pause.objects.values_list("note", flat=True)) == [
        f"Acordo assinado por {REDACTED}",
        f"Promessa de {REDACTED}",
    ]


@pytest.mark.django_db
def test_the_print_batches_holding_the_customers_letters_lose_their_pdf():
    from regua.letters.models import PrintBatch

    person, (sent, _, _) = history()
    other = Notice.objects.exclude(customer=person).get()
    with_person = PrintBatch.objects.create(
        number=1, created_by="ana", state="posted", pdf=f"%PDF carta para {NAME}".encode()
    )
    without = PrintBatch.objects.create(
        number=2, created_by="ana", state="posted", pdf=b"%PDF outro cliente"
    )
    Notice.objects.filter(pk=sent.pk).update(print_batch=with_person)
    Notice.objects.filter(pk=other.pk).update(print_batch=without)

    redact_customer(person, reason="Pedido do titular", user="dpo")

    with_person.refresh_from_db()
    without.refresh_from_db()
    assert with_person.pdf is None
    assert without.pdf is not None and bytes(without.pdf) == b"%PDF outro cliente"
    assert AuditEntry.objects.get(action="privacy.redact_customer").changes["other_records"] >= 1
