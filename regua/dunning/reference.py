"""R1–R7 read plainly: the executable reading of DOMAIN.md that the selection must agree with.

This module answers the question a run answers — which notices, to whom, for
which títulos, and why each other título in a range is left out — the slow and
obvious way: one título at a time, one day at a time, in plain Python, from
data handed to it (no database, no SQL, no stored calendar). It serves the
differential tests (``tests/test_reference_differential.py``), which build random
portfolios, run the real selection on SQLite and PostgreSQL, and require the
same answer from both, notice by notice and skip by skip.

Where the two disagree one of them is wrong, and DOMAIN.md decides which. Each
function here cites the rule it reads; the few places where DOMAIN leaves a
choice open say which choice the product made and why. A rule that changes in
DOMAIN.md changes here first.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import holidays as holidays_lib
from dateutil.easter import easter
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

DAY = datetime.timedelta(days=1)

# R4: a título in a range that is not a candidate gets the first of these that applies.
REASONS = (
    "collection_not_dunnable",
    "receivable_blocked",
    "customer_blocked",
    "already_sent",
    "below_minimum",
    "min_interval",
)

# DOMAIN's table of notice states: those that block a new notice for the same título
# and range (R5). failed, discarded and skipped do not.
BLOCKING = frozenset({"pending", "held", "sending", "retry", "sent", "uncertain", "awaiting_post"})


# --- The data a run reads -------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """R4's "do not dun" mark, optionally until a date (inclusive)."""

    on: bool = False
    until: datetime.date | None = None

    def blocks(self, day: datetime.date) -> bool:
        return self.on and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Branch:
    id: int
    code: str
    state: str = ""
    city: str = ""


@dataclass(frozen=True)
class Customer:
    id: int
    code: str
    billing_email: str = ""
    email: str = ""
    invalid_emails: tuple[str, ...] = ()
    pause: Pause = Pause()
    # R4: a pause set in Régua, kept apart from the ERP's column (``pause``).
    regua_pause: Pause = Pause()
    # R7: the postal address, for a letter-only notice.
    address: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    postal_address_invalid: bool = False


@dataclass(frozen=True)
class Titulo:
    id: int
    branch: Branch
    customer: Customer
    document: str
    installment: str
    due_date: datetime.date
    amount: Decimal
    paid_amount: Decimal = Decimal("0.00")
    issue_date: datetime.date | None = None
    cancelled: bool = False
    # The ERP no longer lists it in a full snapshot: it settled the título.
    settled: bool = False
    collection: str | None = None  # the collection code (CODCOB), if any
    collection_dunnable: bool = True
    pause: Pause = Pause()
    # R4: a pause set in Régua, kept apart from the ERP's column (``pause``).
    regua_pause: Pause = Pause()

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid_amount


@dataclass(frozen=True)
class Range:
    """An active delay range (R3)."""

    id: int
    start_day: int
    end_day: int
    generation: str = "email"  # or "email_and_letter"
    min_balance: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class RegisteredHoliday:
    """A holiday the company registers: national when state and city are blank."""

    date: datetime.date
    state: str = ""
    city: str = ""


@dataclass(frozen=True)
class HistoryItem:
    """One título of a past notice, as recorded then (R5, R10)."""

    receivable_id: int
    due_date: datetime.date
    range_start: int


@dataclass(frozen=True)
class HistoryNotice:
    customer_id: int
    reference_date: datetime.date
    status: str
    items: tuple[HistoryItem, ...] = ()


@dataclass(frozen=True)
class Filters:
    """A run's filters (R4); codes are the ERP's."""

    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    issued_from: datetime.date | None = None
    issued_to: datetime.date | None = None
    collections: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    branch: str | None = None
    excluded_customers: tuple[str, ...] = ()  # left out by a person in Emitir's preview

    def match(self, t: Titulo) -> bool:
        def within(
            day: datetime.date | None, lo: datetime.date | None, hi: datetime.date | None
        ) -> bool:
            if lo is None and hi is None:
                return True
            if day is None:  # a título without the date cannot be in a period of it
                return False
            return (lo is None or lo <= day) and (hi is None or day <= hi)

        return (
            within(t.due_date, self.due_from, self.due_to)
            and within(t.issue_date, self.issued_from, self.issued_to)
            and (not self.collections or t.collection in self.collections)
            and (not self.customers or t.customer.code in self.customers)
            and t.customer.code not in self.excluded_customers
            and (self.branch is None or t.branch.code == self.branch)
        )


@dataclass(frozen=True)
class World:
    """Everything a run at some date reads."""

    titulos: Sequence[Titulo]
    ranges: Sequence[Range]
    holidays: Sequence[RegisteredHoliday] = ()
    history: Sequence[HistoryNotice] = ()
    move_due_dates: bool = True  # R2's move, switched off per installation
    min_interval_days: int = 0  # R4's minimum interval (0: off)


# --- What a run gives -------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A título in a range: a candidate (reason None) or left out with R4's first reason."""

    titulo: Titulo
    effective_due_date: datetime.date
    days_overdue: int
    range: Range
    reason: str | None = None


@dataclass(frozen=True)
class Notice:
    branch: Branch
    customer: Customer
    range: Range  # the highest range among its títulos (R6)
    status: str  # "pending", "held" or "skipped"
    reason: str  # "no_email" or "no_address" when skipped, else ""
    recipients: tuple[str, ...]
    lines: tuple[Line, ...]


@dataclass
class Outcome:
    notices: list[Notice] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)


# --- R2: the business-day calendar --------------------------------------------------------


def carnival(year: int) -> tuple[datetime.date, datetime.date]:
    """Carnival Monday and Tuesday: 48 and 47 days before Easter Sunday."""
    return easter(year) - 48 * DAY, easter(year) - 47 * DAY


@cache
def national_closings(year: int) -> frozenset[datetime.date]:
    """R2: the national holidays (the ``holidays`` package) and Carnival Monday and Tuesday."""
    return frozenset(holidays_lib.country_holidays("BR", years=year)) | frozenset(carnival(year))


def plain_city(name: str) -> str:
    """A city as compared: without case, accents or extra spaces ("São  Paulo" = "sao paulo")."""
    letters = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in letters if not unicodedata.combining(c))
    return " ".join(letters.casefold().split())


class Calendar:
    """R2's non-business days of each place (a branch's state and city), day by day."""

    def __init__(self, registered: Iterable[RegisteredHoliday]) -> None:
        self.registered = tuple(registered)

    def _registered_here(self, day: datetime.date, branch: Branch) -> bool:
        state = branch.state.strip().upper()
        city = plain_city(branch.city)
        for h in self.registered:
            if h.date != day:
                continue
            if not h.state:
                return True  # registered for the whole country
            if h.state.strip().upper() == state and (not h.city or plain_city(h.city) == city):
                return True
        return False

    def _holiday_or_weekend(self, day: datetime.date, branch: Branch) -> bool:
        return (
            day.weekday() >= 5
            or day in national_closings(day.year)
            or self._registered_here(day, branch)
        )

    def year_end_closing(self, year: int, branch: Branch) -> datetime.date:
        """The last business day of ``year`` in this place: banks do not serve the public."""
        day = datetime.date(year, 12, 31)
        while self._holiday_or_weekend(day, branch):
            day -= DAY
        return day

    def is_business_day(self, day: datetime.date, branch: Branch) -> bool:
        if self._holiday_or_weekend(day, branch):
            return False
        return day != self.year_end_closing(day.year, branch)

    def effective_due_date(self, due: datetime.date, branch: Branch, move: bool) -> datetime.date:
        """R2: the due date, moved forward to the next business day when it is not one."""
        if not move:
            return due
        while not self.is_business_day(due, branch):
            due += DAY
        return due


# --- R7: recipients -------------------------------------------------------------------


def is_address(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def recipients(customer: Customer) -> tuple[str, ...]:
    """R7: the collection e-mails (several, separated by ``;`` or ``,``), else the main
    e-mail; addresses a server refused for good and non-addresses are left out, and
    each address counted once (without case). Empty: the customer has no e-mail."""
    refused = {a.strip().lower() for a in customer.invalid_emails}
    for text in (customer.billing_email, customer.email):
        found: list[str] = []
        for part in re.split(r"[;,]", text or ""):
            address = part.strip()
            if not address or address.lower() in refused:
                continue
            if any(address.lower() == other.lower() for other in found):
                continue
            if is_address(address):
                found.append(address)
        if found:
            return tuple(found)
    return ()


def has_postal_address(customer: Customer) -> bool:
    """R7: street, city, state and CEP, and no letter returned by the post office since."""
    parts = (customer.address, customer.city, customer.state, customer.zip_code)
    return all(part.strip() for part in parts) and not customer.postal_address_invalid


# --- R1, R3, R4, R5, R6: a run ----------------------------------------------------------


def is_open(t: Titulo) -> bool:
    """R1: a balance above zero, not cancelled (nor settled by the ERP)."""
    return t.balance > 0 and not t.cancelled and not t.settled


def range_of(days: int, ranges: Sequence[Range]) -> Range | None:
    """R3: the active range with ``start_day ≤ days ≤ end_day``; in a gap, none."""
    inside = [r for r in ranges if r.start_day <= days <= r.end_day]
    assert len(inside) <= 1, f"active ranges overlap: {inside}"  # R3 forbids it
    return inside[0] if inside else None


def already_sent(t: Titulo, r: Range, history: Sequence[HistoryNotice]) -> bool:
    """R5: a notice in a blocking state already carried this título, with the due date it
    has now, for this range or a higher one (by the start day recorded on the item)."""
    return any(
        item.receivable_id == t.id
        and item.due_date == t.due_date
        and item.range_start >= r.start_day
        for notice in history
        if notice.status in BLOCKING
        for item in notice.items
    )


def had_recent_notice(customer: Customer, reference_date: datetime.date, world: World) -> bool:
    """R4's minimum interval: a notice to this customer (any branch) in the last
    ``min_interval_days`` days, counting the run's own day.

    "Had a notice" is read as one that is or will be on its way: in a blocking
    state (DOMAIN's table). One skipped for lack of an address, discarded or
    failed never reached the customer.
    """
    if world.min_interval_days <= 0:
        return False
    since = reference_date - world.min_interval_days * DAY
    return any(
        n.customer_id == customer.id and n.status in BLOCKING and n.reference_date > since
        for n in world.history
    )


def order(t: Titulo) -> tuple[str, str, datetime.date, str, str, int]:
    """A run's order: a notice's títulos one after another, by codes as characters."""
    return (t.branch.code, t.customer.code, t.due_date, t.document, t.installment, t.id)


def run(
    world: World,
    reference_date: datetime.date,
    filters: Filters = Filters(),
    group_by: str = "customer",
) -> Outcome:
    """The notices and the skipped títulos of a run at ``reference_date`` (R1–R7)."""
    calendar = Calendar(world.holidays)
    ranges = sorted(world.ranges, key=lambda r: r.start_day)

    # R1, R2, R3 and the run's filters: every título in a range, with R4's first
    # four reasons, which each título decides alone.
    lines: list[Line] = []
    for t in sorted(world.titulos, key=order):
        if not is_open(t) or not filters.match(t):
            continue
        effective = calendar.effective_due_date(t.due_date, t.branch, world.move_due_dates)
        days = (reference_date - effective).days
        r = range_of(days, ranges)
        if r is None:
            continue
        reason = None
        if t.collection is not None and not t.collection_dunnable:
            reason = "collection_not_dunnable"
        elif t.pause.blocks(reference_date) or t.regua_pause.blocks(reference_date):
            reason = "receivable_blocked"
        elif t.customer.pause.blocks(reference_date) or t.customer.regua_pause.blocks(
            reference_date
        ):
            reason = "customer_blocked"
        elif already_sent(t, r, world.history):
            reason = "already_sent"
        lines.append(Line(t, effective, days, r, reason))

    # R6: the notices each título would go in (one per branch and customer, or one per
    # título). R4's last two reasons look at the whole notice: the total of the títulos
    # that passed so far against the minimum of the notice's range (the highest among
    # them, whose template and generation the notice uses), then the customer's interval.
    def notice_key(line: Line) -> tuple[int, ...]:
        if group_by == "receivable":
            return (line.titulo.id,)
        return (line.titulo.branch.id, line.titulo.customer.id)

    groups: dict[tuple[int, ...], list[Line]] = {}
    for line in lines:
        groups.setdefault(notice_key(line), []).append(line)
    decided: dict[int, Line] = {}
    for group in groups.values():
        passed = [line for line in group if line.reason is None]
        if not passed:
            continue
        top = max((line.range for line in passed), key=lambda r: r.start_day)
        total = sum((line.titulo.balance for line in passed), Decimal("0.00"))
        if total < top.min_balance:
            reason = "below_minimum"
        elif had_recent_notice(passed[0].titulo.customer, reference_date, world):
            reason = "min_interval"
        else:
            continue
        for line in passed:
            decided[line.titulo.id] = Line(
                line.titulo, line.effective_due_date, line.days_overdue, line.range, reason
            )
    lines = [decided.get(line.titulo.id, line) for line in lines]

    outcome = Outcome(skipped=[line for line in lines if line.reason is not None])
    candidates: dict[tuple[int, ...], list[Line]] = {}
    for line in lines:
        if line.reason is None:
            candidates.setdefault(notice_key(line), []).append(line)
    for group in candidates.values():
        outcome.notices.append(_notice(group))
    return outcome


def _notice(lines: list[Line]) -> Notice:
    """R6 and R7: one notice with the highest range among its títulos, addressed."""
    first = lines[0].titulo
    top = max((line.range for line in lines), key=lambda r: r.start_day)
    to = recipients(first.customer)
    if top.generation == "email_and_letter":
        # R7, R8: a person reviews the letter first; without an e-mail it goes by post,
        # and without a postal address it cannot go at all.
        if to or has_postal_address(first.customer):
            status, reason = "held", ""
        else:
            status, reason = "skipped", "no_address"
    elif not to:
        status, reason = "skipped", "no_email"  # R7: a list of customers to fix
    else:
        status, reason = "pending", ""
    return Notice(first.branch, first.customer, top, status, reason, to, tuple(lines))


def history_of(outcome: Outcome, reference_date: datetime.date) -> list[HistoryNotice]:
    """The history a recorded run leaves (R10): each notice with its títulos' due dates
    and ranges as they were."""
    return [
        HistoryNotice(
            customer_id=n.customer.id,
            reference_date=reference_date,
            status=n.status,
            items=tuple(
                HistoryItem(line.titulo.id, line.titulo.due_date, line.range.start_day)
                for line in n.lines
            ),
        )
        for n in outcome.notices
    ]
