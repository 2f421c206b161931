"""Hand-built fixtures shared by the tests (in the spirit of healthchecks' hc/test.py)."""

import datetime
import itertools
from collections import Counter
from decimal import Decimal
from typing import Any

from regua.dunning import lifecycle
from regua.dunning.models import DelayRange, Notice
from regua.letters.models import LetterTemplate
from regua.receivables.models import Branch, CollectionType, Customer, Receivable

_seq = itertools.count(1)


def make_branch(code: str = "1", **fields: Any) -> Branch:
    defaults = {
        "legal_name": f"DISTRIBUIDORA EXEMPLO {code} LTDA",
        "trade_name": f"Exemplo {code}",
        "cnpj": "11.222.333/0001-81",
        "address": "Rua das Flores, 100",
        "district": "Centro",
        "city": "São Paulo",
        "state": "SP",
        "zip_code": "01001-000",
        "phone": "(11) 3000-0000",
        "email": "cobranca@exemplo.com.br",
    }
    defaults.update(fields)
    return Branch.objects.create(code=code, **defaults)


def make_customer(code: str | None = None, **fields: Any) -> Customer:
    code = code or str(1000 + next(_seq))
    defaults = {
        "name": f"CLIENTE {code}",
        "document": "",
        "email": f"contato{code}@cliente.com.br",
        "city": "São Paulo",
        "state": "SP",
    }
    defaults.update(fields)
    return Customer.objects.create(code=code, **defaults)


def make_collection(code: str = "BK", **fields: Any) -> CollectionType:
    defaults = {"description": "BANCO - BOLETO", "dunnable": True}
    defaults.update(fields)
    return CollectionType.objects.create(code=code, **defaults)


def make_receivable(
    branch: Branch,
    customer: Customer,
    due_date: datetime.date,
    amount: str | Decimal = "100.00",
    document: str | None = None,
    installment: str = "1",
    **fields: Any,
) -> Receivable:
    return Receivable.objects.create(
        branch=branch,
        customer=customer,
        document=document or str(500000 + next(_seq)),
        installment=installment,
        issue_date=fields.pop("issue_date", due_date - datetime.timedelta(days=30)),
        due_date=due_date,
        amount=Decimal(amount),
        **fields,
    )


def make_range(
    start: int, end: int, template: int = 1, generation: str = "email", **fields: Any
) -> DelayRange:
    return DelayRange.objects.create(
        start_day=start,
        end_day=end,
        template=LetterTemplate.objects.get(number=template),
        generation=generation,
        **fields,
    )


def set_state(notice: Notice, status: str, **fields: Any) -> Notice:
    """Put a notice in ``status`` with these fields, its items' R5 guard in step, whatever
    state it was in: for arranging a test (the product moves notices with
    ``regua.dunning.lifecycle``'s guarded transitions)."""
    notice.status = status
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.save(update_fields=["status", *fields])
    notice.items.update(blocks=lifecycle.blocks(status))
    return notice


def deliver_queued() -> Counter[str]:
    """Run the queued tasks in this process, as `regua worker` does; what they delivered."""
    from regua.delivery.worker import TaskRunner

    runner = TaskRunner("test-worker")
    tally: Counter[str] = Counter()
    while (done := runner.run_one()) is not None:
        tally.update(done)
    return tally
