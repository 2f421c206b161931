import base64
import datetime
import json
import stat
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command

from regua.audit.models import AuditEntry
from regua.privacy.export import customer_export
from regua.privacy.tests.builders import make_person, make_sent_notice
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 11, 10)


@pytest.fixture
def history():
    branch = make_branch()
    mariana = make_person()
    other = make_customer("C2", name="OUTRO CLIENTE LTDA", email="outro@cliente.com.br")
    d1 = make_receivable(branch, mariana, DUE, "100.00", document="D1")
    d2 = make_receivable(
        branch, mariana, DUE, "250.50", document="D2", paid_amount=Decimal("50.50")
    )
    make_receivable(branch, other, DUE, "999.00", document="X9")
    first = make_range(15, 30, 1)
    sent = make_sent_notice(first, [d1, d2], pdf=b"%PDF-1.7 carta da Mariana")
    refused = make_sent_notice(
        make_range(31, 60, 2),
        [d1],
        status="failed",
        reason="refused",
        refused_recipients={"mariana.tavares@exemplo-cliente.com.br": "550 5.1.1 user unknown"},
    )
    make_sent_notice(first, [make_receivable(branch, other, DUE, "10.00")])
    return mariana, sent, refused


def test_it_exports_the_customer_record(history):
    mariana, _, _ = history

    data = customer_export(mariana)

    assert data["format"] == "regua.privacy.export/1"
    assert data["customer"]["code"] == "C1"
    assert data["customer"]["name"] == "MARIANA DE SOUZA TAVARES"
    assert data["customer"]["document"] == "123.456.789-09"
    assert data["customer"]["email"] == "mariana.tavares@exemplo-cliente.com.br"
    assert data["customer"]["phone"] == "(11) 98765-4321"
    assert data["customer"]["address"] == "Rua Harmonia, 742 apto 31"
    assert data["customer"]["zip_code"] == "05435-000"
    assert data["customer"]["redacted_at"] is None


def test_it_exports_only_the_customers_own_titulos_with_amounts_and_dates(history):
    mariana, _, _ = history

    data = customer_export(mariana)

    assert [
        (r["document"], r["amount"], r["paid_amount"], r["balance"]) for r in data["receivables"]
    ] == [
        ("D1", "100.00", "0.00", "100.00"),
        ("D2", "250.50", "50.50", "200.00"),
    ]
    assert data["receivables"][0]["due_date"] == "2026-11-10"
    assert data["receivables"][0]["creditor"] == "DISTRIBUIDORA EXEMPLO 1 LTDA"


def test_it_exports_the_customers_notices_with_recipients_texts_and_states(history):
    mariana, sent, refused = history

    notices = customer_export(mariana)["notices"]

    assert [n["id"] for n in notices] == [sent.pk, refused.pk]
    first, second = notices
    assert first["status"] == "sent"
    assert first["recipients"] == ["mariana.tavares@exemplo-cliente.com.br"]
    assert first["accepted_recipients"] == ["mariana.tavares@exemplo-cliente.com.br"]
    assert first["subject"] == "Aviso de débito em aberto - MARIANA DE SOUZA TAVARES"
    assert "Prezado(a) MARIANA" in first["body_text"]
    assert "<b>MARIANA DE SOUZA TAVARES</b>" in first["body_html"]
    assert first["reference_date"] == "2026-11-30"
    assert first["range"] == {"start": 15, "end": 30}
    assert first["total_balance"] == "300.00"
    assert base64.b64decode(first["pdf_base64"]) == b"%PDF-1.7 carta da Mariana"
    assert [(i["document"], i["days_overdue"], i["balance"]) for i in first["receivables"]] == [
        ("D1", 20, "100.00"),
        ("D2", 20, "200.00"),
    ]
    assert second["status"] == "failed"
    assert second["refused_recipients"] == {
        "mariana.tavares@exemplo-cliente.com.br": "550 5.1.1 user unknown"
    }
    assert second["pdf_base64"] is None
    assert (first["channels"], first["posted_at"], first["returned_at"]) == (["email"], None, None)


def test_the_command_writes_the_json_file_for_its_owner_only_and_audits_it(history, tmp_path):
    path = tmp_path / "mariana.json"

    call_command("privacy", "export", "--customer", "C1", str(path), "--user", "lgpd")

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["customer"]["name"] == "MARIANA DE SOUZA TAVARES"
    assert len(data["notices"]) == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = AuditEntry.objects.get(action="privacy.export_customer")
    assert entry.user == "lgpd"
    assert entry.changes == {"receivables": 2, "notices": 2}
    assert "MARIANA" not in entry.description


def test_the_command_names_a_customer_it_does_not_know(history, tmp_path):
    with pytest.raises(CommandError, match="Cliente com código 'C404' não encontrado"):
        call_command("privacy", "export", "--customer", "C404", str(tmp_path / "x.json"))


def test_a_regua_user_without_the_permission_cannot_export(history, tmp_path):
    User.objects.create_user("caixa")
    path = tmp_path / "x.json"

    with pytest.raises(CommandError, match="não tem a permissão necessária"):
        call_command("privacy", "export", "--customer", "C1", str(path), "--user", "caixa")

    assert not path.exists()
    assert not AuditEntry.objects.filter(action="privacy.export_customer").exists()


def test_a_regua_user_with_the_permission_can_export(history, tmp_path):
    user = User.objects.create_user("dpo")
    user.user_permissions.add(Permission.objects.get(codename="manage_users"))

    call_command("privacy", "export", "--customer", "C1", str(tmp_path / "x.json"), "--user", "dpo")

    assert AuditEntry.objects.get(action="privacy.export_customer").user == "dpo"


def test_it_exports_the_pauses_set_in_regua_on_the_customer_and_its_titulos(history):
    from regua.privacy.export import customer_export
    from regua.receivables import pauses

    customer = history[0]
    pauses.pause_customer(customer, until=None, reason="promise", note="ligou dia 3", user="ana")

    data = customer_export(customer)

    assert [(p["customer"], p["reason"], p["note"], p["created_by"]) for p in data["pauses"]] == [
        (customer.code, "promise", "ligou dia 3", "ana")
    ]
