"""Hand-built customers and notices, as a run and the outbox would have left them."""

import datetime
from decimal import Decimal
from typing import Any

from regua import test
from regua.dunning.models import DelayRange, DunningRun, Notice
from regua.letters.models import LetterTemplate
from regua.receivables.models import Customer, Receivable
from regua.test import make_customer

REFERENCE = datetime.date(2026, 11, 30)


def ensure_templates() -> None:
    """The seeded templates 1-3, which an earlier transactional test's flush may have removed."""
    for number in (1, 2, 3):
        LetterTemplate.objects.get_or_create(
            number=number,
            defaults={"name": f"Modelo {number}", "subject": "Aviso", "body_text": "Aviso"},
        )


def make_person(code: str = "C1", name: str = "MARIANA DE SOUZA TAVARES", **fields) -> Customer:
    defaults = {
        "name": name,
        "document": "123.456.789-09",
        "email": "mariana.tavares@exemplo-cliente.com.br",
        "billing_email": "financeiro.mariana@exemplo-cliente.com.br; mariana.tavares@exemplo-cliente.com.br",
        "phone": "(11) 98765-4321",
        "address": "Rua Harmonia, 742 apto 31",
        "district": "Vila Madalena",
        "city": "São Paulo",
        "state": "SP",
        "zip_code": "05435-000",
    }
    defaults.update(fields)
    return make_customer(code, **defaults)


def _charges(r: Receivable) -> dict[str, object]:
    return {
        "fine": (r.balance * Decimal("0.02")).quantize(Decimal("0.01")),
        "interest": Decimal("1.00"),
        "updated_amount": (r.balance * Decimal("1.02") + 1).quantize(Decimal("0.01")),
    }


def make_sent_notice(
    delay_range: DelayRange,
    receivables: list[Receivable],
    *,
    status: str = "sent",
    reference_date: datetime.date = REFERENCE,
    run: DunningRun | None = None,
    recipients: list[str] | None = None,
    **fields: object,
) -> Notice:
    customer = receivables[0].customer
    recipients = [customer.email] if recipients is None else recipients
    defaults: dict[str, Any] = {
        "recipients": recipients,
        "subject": f"Aviso de débito em aberto - {customer.name}",
        "body_text": f"Prezado(a) {customer.name}, consta em aberto o título abaixo.",
        "body_html": f"<p>Prezado(a) <b>{customer.name}</b>, consta em aberto o título abaixo.</p>",
    }
    if status == "sent":
        defaults.update(
            accepted_recipients=recipients,
            smtp_response=f"250 2.0.0 Ok: queued for <{recipients[0]}>" if recipients else "",
            message_id="<20261130.1@regua.example>",
        )
    defaults.update(fields)
    return test.make_notice(
        delay_range,
        receivables,
        status=status,
        reference_date=reference_date,
        run=run,
        item_fields=_charges,
        **defaults,
    )
