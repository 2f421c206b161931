"""Hand-built fixtures shared by the tests (in the spirit of healthchecks' hc/test.py)."""

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from regua.dunning import lifecycle
from regua.dunning.models import DelayRange, DunningRun, GroupBy, Notice, NoticeItem
from regua.dunning.selection import Filters, Line, Selection, stream
from regua.letters.models import LetterTemplate
from regua.receivables.models import Branch, CollectionType, Customer, Receivable

_seq = itertools.count(1)

# A word ending in a bracketed plural or gender ending (s, a, es, ns…): the form
# hedged instead of chosen by count, which no text a person reads may carry.
_PLURAL_HEDGE = re.compile(r"[^\W\d_]\((?:s|a|as|o|os|es|ns)\)", re.IGNORECASE)


def plural_hedges(text: str) -> list[str]:
    """Each hedged plural in ``text``, with the words before it to find it by."""
    return [text[max(0, m.start() - 40) : m.end()] for m in _PLURAL_HEDGE.finditer(text)]


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


REFERENCE = datetime.date(2026, 11, 30)


def make_notice(
    delay_range: DelayRange,
    receivables: list[Receivable],
    *,
    status: str = "pending",
    reference_date: datetime.date = REFERENCE,
    run: DunningRun | None = None,
    user: str = "ana",
    effective_due_dates: dict[int, datetime.date] | None = None,
    item_fields: Callable[[Receivable], dict[str, Any]] | None = None,
    **fields: Any,
) -> Notice:
    """A notice as a run records it, of ``receivables`` in ``delay_range``, in ``status``.

    ``effective_due_dates`` maps a título's pk to its due date moved by R2;
    ``item_fields`` gives each título's item its other fields (fine, interest…);
    ``fields`` go to the notice.
    """
    first = receivables[0]
    run = run or DunningRun.objects.create(user=user, reference_date=reference_date)
    notice = Notice.objects.create(
        run=run,
        branch=first.branch,
        customer=first.customer,
        delay_range=delay_range,
        range_start=delay_range.start_day,
        range_end=delay_range.end_day,
        template=delay_range.template,
        template_number=delay_range.template.number,
        generation=delay_range.generation,
        reference_date=reference_date,
        user=user,
        status=status,
        total_balance=sum((r.balance for r in receivables), Decimal("0.00")),
        **fields,
    )
    moved = effective_due_dates or {}
    NoticeItem.objects.bulk_create(
        NoticeItem(
            notice=notice,
            receivable=r,
            delay_range=delay_range,
            due_date=r.due_date,
            effective_due_date=moved.get(r.pk, r.due_date),
            days_overdue=(reference_date - moved.get(r.pk, r.due_date)).days,
            range_start=delay_range.start_day,
            range_end=delay_range.end_day,
            balance=r.balance,
            blocks=lifecycle.blocks(status),
            **(item_fields(r) if item_fields else {}),
        )
        for r in receivables
    )
    return notice


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


@dataclass
class Selected(Selection):
    """A run's selection kept whole: its candidates, its skips and the candidates' e-mails."""

    candidates: list[Line] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)
    # The e-mail fields of the candidates' customers (billing, main, refused), for R7.
    contacts: dict[int, tuple[str, str, list[str], bool]] = field(default_factory=dict)


def select(
    reference_date: datetime.date,
    filters: Filters | None = None,
    group_by: str = GroupBy.CUSTOMER,
    *,
    min_interval: int | None = None,
) -> Selected:
    """Every line a run at ``reference_date`` would see, kept (a run streams them)."""
    selection = Selected(reference_date, group_by, filters or Filters())
    for line in stream(reference_date, filters, group_by, min_interval=min_interval):
        if line.reason:
            selection.skipped.append(line)
        else:
            selection.candidates.append(line)
            assert line.contact is not None
            selection.contacts[line.customer_id] = line.contact
    return selection
