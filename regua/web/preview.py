"""Emitir's preview as routine 1213 shows it: the planned notices by branch and range,
one checkbox per customer, and the counts the confirmation speaks of."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from regua.dunning.runs import PlannedNotice, RunResult
from regua.receivables.models import Branch, Customer

# Groups with more notices than this open collapsed: a thousand customers must not
# make one page 200,000 pixels tall.
OPEN_UP_TO = 30


@dataclass
class Group:
    """The notices of one branch in one range (the notice's highest range, R6)."""

    branch: Branch
    start_day: int
    end_day: int
    template: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: Decimal = Decimal("0.00")

    @property
    def key(self) -> str:
        return f"{self.branch.pk}-{self.start_day}"

    @property
    def customers(self) -> int:
        return len({row["customer"].pk for row in self.rows})

    @property
    def open(self) -> bool:
        return len(self.rows) <= OPEN_UP_TO


def groups(result: RunResult) -> list[Group]:
    """The planned notices by branch (code) and range (start day), customers by name."""
    customers = Customer.objects.in_bulk({p.customer_id for p in result.notices})
    branches = Branch.objects.in_bulk({p.branch_id for p in result.notices})
    grouped: dict[tuple[int, int], list[PlannedNotice]] = defaultdict(list)
    for planned in result.notices:
        grouped[(planned.branch_id, planned.delay_range.start_day)].append(planned)
    found = []
    for (branch_id, _), notices in sorted(
        grouped.items(), key=lambda kv: (branches[kv[0][0]].code, kv[0][1])
    ):
        r = notices[0].delay_range
        group = Group(branches[branch_id], r.start_day, r.end_day, r.template.number)
        for planned in sorted(notices, key=lambda p: (customers[p.customer_id].name, p.customer)):
            group.rows.append({"planned": planned, "customer": customers[planned.customer_id]})
            group.total += planned.total_balance
        found.append(group)
    return found


def counts(result: RunResult) -> dict[str, int]:
    """What the confirmation says: e-mails now, letters to review, customers without e-mail."""
    return {
        "notices": len(result.notices),
        "emails": sum(1 for p in result.notices if p.status == "pending"),
        "letters": sum(1 for p in result.notices if p.status == "held"),
        "no_email_customers": len({p.customer_id for p in result.notices if p.status == "skipped"}),
        "customers": len({p.customer_id for p in result.notices}),
        "skipped_receivables": len(result.skipped),
    }
