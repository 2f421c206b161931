"""Hand-built notices for the delivery tests, straight through the ORM."""

import datetime
import itertools
from decimal import Decimal
from typing import Any

from regua.delivery.models import EmailSettings
from regua.dunning import lifecycle
from regua.dunning.models import (
    DelayRange,
    DunningRun,
    Notice,
    NoticeItem,
)
from regua.letters.models import LetterTemplate
from regua.receivables.models import Branch, Customer, Receivable
from regua.test import make_branch

REFERENCE = datetime.date(2026, 11, 30)
SENDER = "cobranca@exemplo.com.br"
_seq = itertools.count(1)


def delay_range(start: int = 1, end: int = 30) -> DelayRange:
    # The seeded templates may be gone after a transactional test's flush.
    template, _ = LetterTemplate.objects.get_or_create(
        number=1,
        defaults={
            "name": "Lembrete",
            "subject": "Aviso de débito - {{ branch.legal_name }}",
            "body_text": "Prezado(a) {{ customer.name }},\n{% for item in items %}"
            "- {{ item.document }}/{{ item.installment }}: {{ item.balance }}\n{% endfor %}",
        },
    )
    found, _ = DelayRange.objects.get_or_create(
        start_day=start, end_day=end, defaults={"template": template, "generation": "email"}
    )
    return found


def branch() -> Branch:
    return Branch.objects.filter(code="1").first() or make_branch("1")


def make_notices(
    count: int = 1,
    *,
    recipients: list[str] | None = None,
    status: str = "pending",
    subject: str = "Aviso de débito - DISTRIBUIDORA EXEMPLO",
    body_text: str = "Prezado cliente,\nconsta em aberto o título abaixo.\n",
    body_html: str = "<p>Prezado cliente,</p><p>consta em aberto o título abaixo.</p>",
    customer_name: str | None = None,
    **fields: object,
) -> list[Notice]:
    """``count`` notices, each to its own customer with one open título."""
    the_branch, the_range = branch(), delay_range()
    run = DunningRun.objects.create(user="ana", reference_date=REFERENCE)
    numbers = [next(_seq) for _ in range(count)]
    customers = Customer.objects.bulk_create(
        Customer(
            code=f"C{n}",
            name=customer_name or f"CLIENTE {n}",
            email=f"cliente{n}@cliente.com.br",
        )
        for n in numbers
    )
    due = REFERENCE - datetime.timedelta(days=10)
    receivables = Receivable.objects.bulk_create(
        Receivable(
            branch=the_branch,
            customer=customer,
            document=f"D{n}",
            installment="1",
            issue_date=due - datetime.timedelta(days=30),
            due_date=due,
            amount=Decimal("150.00"),
        )
        for n, customer in zip(numbers, customers, strict=True)
    )
    notices = Notice.objects.bulk_create(
        Notice(
            run=run,
            branch=the_branch,
            customer=customer,
            delay_range=the_range,
            range_start=the_range.start_day,
            range_end=the_range.end_day,
            template=the_range.template,
            template_number=the_range.template.number,
            generation=the_range.generation,
            reference_date=REFERENCE,
            user="ana",
            status=status,
            recipients=recipients if recipients is not None else [customer.email],
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            total_balance=Decimal("150.00"),
            **fields,
        )
        for customer in customers
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(
            notice=notice,
            receivable=receivable,
            delay_range=the_range,
            due_date=receivable.due_date,
            effective_due_date=receivable.due_date,
            days_overdue=10,
            range_start=the_range.start_day,
            range_end=the_range.end_day,
            balance=receivable.amount,
            blocks=lifecycle.blocks(status),
        )
        for notice, receivable in zip(notices, receivables, strict=True)
    )
    return notices


def make_outbox_notice(**fields: Any) -> Notice:
    return make_notices(1, **fields)[0]


def use_server(server, **fields: object) -> EmailSettings:
    """E-mail settings pointing at a test server."""
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": getattr(server, "security", "none"),
        "from_email": SENDER,
        "from_name": "Cobrança Exemplo",
        "timeout": 5,
        "mode": "smtp",
    }
    values.update(fields)
    cfg, _ = EmailSettings.objects.update_or_create(pk=1, defaults=values)
    return cfg


def refreshed(notice: Notice) -> Notice:
    return Notice.objects.get(pk=notice.pk)
