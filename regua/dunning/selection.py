"""Which títulos a run duns (R1–R5), found by the database in one query.

The query reads the open títulos (R1) matching the run's filters whose
effective due date (R2) puts them in an active range (R3), and gives each one
its range and the first reason, in R4's order, that keeps it out:

    collection_not_dunnable, receivable_blocked, customer_blocked,
    already_sent, below_minimum, min_interval

Nothing asks the database once per título: ranges become windows of due dates
(one per range and calendar place, see ``calendar.due_date_window``) that the
due-date index serves, R5 is an EXISTS on the blocking history items, and the
rows come out in notice order (branch and customer codes first), so the last
two reasons, which need a whole notice's total, are decided one group at a time
as the rows stream in. ``stream`` hands out the lines that way, holding one
group in memory; a run (``runs.execute_run``) groups them as they come.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Collate, Round
from django.utils.translation import ngettext

from regua import ptbr
from regua.dunning import calendar, lifecycle
from regua.dunning.models import (
    CalendarDay,
    DelayRange,
    DunningSettings,
    GroupBy,
    Notice,
    NoticeItem,
)
from regua.receivables.models import Branch, CollectionType, Customer, Pause, Receivable

# R4's order: a título in a range that is not a candidate gets the first that applies.
REASONS = (
    "collection_not_dunnable",
    "receivable_blocked",
    "customer_blocked",
    "already_sent",
    "below_minimum",
    "min_interval",
)

REASON_LABELS = {
    "collection_not_dunnable": "cobrança não cobrável",
    "receivable_blocked": "título marcado para não cobrar",
    "customer_blocked": "cliente marcado para não cobrar",
    "already_sent": "já enviada nesta faixa ou em faixa superior",
    "below_minimum": "abaixo do saldo mínimo da faixa",
    "min_interval": "dentro do intervalo mínimo entre cartas",
    "no_email": "cliente sem e-mail válido",
    "paid": "títulos pagos",
}


class SelectionError(ValidationError):
    """The run's filters or configuration cannot be used (exit status 2 on the command line)."""


@dataclass(frozen=True)
class Filters:
    """A run's filters (R4). Codes are the ERP's: branch, customer, collection (CODCOB)."""

    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    issued_from: datetime.date | None = None
    issued_to: datetime.date | None = None
    collections: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    branch: str | None = None
    # Customers a person left out of this emission in Emitir's preview.
    excluded_customers: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The filters as stored on the run: only those given, dates as YYYY-MM-DD."""
        data: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if value in (None, (), []):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Filters":
        values: dict[str, Any] = {}
        for name in ("due_from", "due_to", "issued_from", "issued_to"):
            if data.get(name):
                values[name] = datetime.date.fromisoformat(data[name])
        for name in ("collections", "customers", "excluded_customers"):
            values[name] = tuple(data.get(name) or ())
        values["branch"] = data.get("branch") or None
        return cls(**values)

    def validate(self) -> None:
        """Refuse reversed periods and codes that do not exist, naming them."""
        for label, start, end in (
            ("vencimento", self.due_from, self.due_to),
            ("emissão", self.issued_from, self.issued_to),
        ):
            if start and end and start > end:
                raise SelectionError(
                    f"Período de {label} invertido: {start:%d/%m/%Y} é depois de {end:%d/%m/%Y}."
                )
        if self.branch and not Branch.objects.filter(code=self.branch).exists():
            raise SelectionError(f"Filial {self.branch!r} não encontrada.")
        for labels, model, codes in (
            (("Cliente não encontrado", "Clientes não encontrados"), Customer, self.customers),
            (
                ("Cobrança não encontrada", "Cobranças não encontradas"),
                CollectionType,
                self.collections,
            ),
        ):
            if codes:
                known = set(
                    model._default_manager.filter(code__in=codes).values_list("code", flat=True)
                )
                missing = [code for code in codes if code not in known]
                if missing:
                    raise SelectionError(
                        f"{ptbr.plural(len(missing), *labels)}: {', '.join(missing)}."
                    )
        if self.excluded_customers:
            known = set(
                Customer.objects.filter(code__in=self.excluded_customers).values_list(
                    "code", flat=True
                )
            )
            missing = [code for code in self.excluded_customers if code not in known]
            if missing:
                raise SelectionError(
                    ngettext(
                        "Cliente deixado de fora não encontrado: %(codes)s.",
                        "Clientes deixados de fora não encontrados: %(codes)s.",
                        len(missing),
                    )
                    % {"codes": ", ".join(missing)}
                )

    def q(self) -> Q:
        q = Q()
        if self.due_from:
            q &= Q(due_date__gte=self.due_from)
        if self.due_to:
            q &= Q(due_date__lte=self.due_to)
        if self.issued_from:
            q &= Q(issue_date__gte=self.issued_from)
        if self.issued_to:
            q &= Q(issue_date__lte=self.issued_to)
        if self.collections:
            q &= Q(collection__code__in=self.collections)
        if self.customers:
            q &= Q(customer__code__in=self.customers)
        if self.excluded_customers:
            q &= ~Q(customer__code__in=self.excluded_customers)
        if self.branch:
            q &= Q(branch__code=self.branch)
        return q


@dataclass(slots=True)
class Line:
    """One título in a range: a candidate (reason None) or a skip with its first reason."""

    receivable_id: int
    branch_id: int
    branch: str
    customer_id: int
    customer: str
    document: str
    installment: str
    due_date: datetime.date
    effective_due_date: datetime.date
    days_overdue: int
    delay_range: DelayRange
    balance: Decimal
    reason: str | None
    # The customer's e-mail fields (billing, main, refused) and whether the postal
    # address is usable (R7), on candidates.
    contact: tuple[str, str, list[str], bool] | None = None


@dataclass
class Selection:
    """What a run selects by: its reference date, grouping and filters."""

    reference_date: datetime.date
    group_by: str
    filters: Filters


def min_interval_days() -> int:
    """Days without a new notice to a customer after one (0: off, the default)."""
    row = DunningSettings.objects.order_by("pk").first()
    if row is not None and row.min_interval_days is not None:
        return row.min_interval_days
    return int(getattr(settings, "REGUA_MIN_INTERVAL_DAYS", 0) or 0)


def _cents(expression: Any) -> Cast:
    # Sums in whole cents: exact on SQLite too, where decimals are stored as floats.
    return Cast(Round(expression * 100), BigIntegerField())


def _range_windows(
    reference_date: datetime.date, ranges: list[DelayRange], filters: Filters, move: bool
) -> tuple[list[tuple[Q, DelayRange]], set[datetime.date]]:
    """For each range, the due dates (per calendar place) whose títulos are in it today;
    and the closed days of every place over all the windows."""
    branches = Branch.objects.all()
    if filters.branch:
        branches = branches.filter(code=filters.branch)
    places: dict[calendar.Place, list[int]] = defaultdict(list)
    for pk, state, city in branches.values_list("pk", "state", "city"):
        places[(state, city)].append(pk)
    if not places:
        return [], set()
    first = reference_date - datetime.timedelta(days=max(r.end_day for r in ranges))
    last = reference_date - datetime.timedelta(days=min(r.start_day for r in ranges))
    closed = (
        calendar.stored_closed_days(
            places, first - datetime.timedelta(days=calendar.MAX_CLOSED_RUN), last
        )
        if move
        else {}
    )
    total_branches = sum(len(ids) for ids in places.values())
    windows: list[tuple[Q, DelayRange]] = []
    for delay_range in ranges:
        lo = reference_date - datetime.timedelta(days=delay_range.end_day)
        hi = reference_date - datetime.timedelta(days=delay_range.start_day)
        # Places with the same window share one condition.
        by_window: dict[tuple[datetime.date, datetime.date], list[int]] = defaultdict(list)
        for place, branch_ids in places.items():
            window = calendar.window_from_closed(closed[place], lo, hi) if move else (lo, hi)
            if window is not None:
                by_window[window].extend(branch_ids)
        for window, branch_ids in by_window.items():
            condition = Q(due_date__gte=window[0], due_date__lte=window[1])
            if len(branch_ids) < total_branches:
                condition &= Q(branch_id__in=sorted(branch_ids))
            windows.append((condition, delay_range))
    return windows, set().union(*closed.values()) if closed else set()


def stream(
    reference_date: datetime.date,
    filters: Filters | None = None,
    group_by: str = GroupBy.CUSTOMER,
    *,
    min_interval: int | None = None,
) -> Iterator[Line]:
    """A run's lines (candidates and skips), one at a time, in the order of branch and customer codes,
    due date, document and installment: a notice's títulos come one after another.

    Checks the filters and the ranges before the first line is asked for, so a
    SelectionError comes out of this call, not out of the iteration.
    """
    ranges, queryset = selected(reference_date, filters, group_by, min_interval=min_interval)
    if queryset is None:
        return iter(())
    min_cents = {r.start_day: int(r.min_balance * 100) for r in ranges}
    return _lines(_rows(queryset), reference_date, {r.pk: r for r in ranges}, min_cents, group_by)


def selected(
    reference_date: datetime.date,
    filters: Filters | None = None,
    group_by: str = GroupBy.CUSTOMER,
    *,
    min_interval: int | None = None,
) -> tuple[list[DelayRange], Any]:
    """The active ranges and the query of every open título in one of them, with its
    range and first early reason (None: no título can be in a range today).

    Raises SelectionError for filters or configuration that cannot be used.
    """
    filters = filters or Filters()
    if group_by not in GroupBy.values:
        raise SelectionError(f"Agrupamento inválido: {group_by!r} (use customer ou receivable).")
    filters.validate()
    ranges = list(
        DelayRange.objects.filter(active=True).select_related("template").order_by("start_day")
    )
    if not ranges:
        raise SelectionError(
            "Nenhuma faixa de atraso ativa: cadastre uma com `regua ranges add` antes de emitir."
        )
    move = calendar.move_due_dates_enabled()
    windows, closed_days = _range_windows(reference_date, ranges, filters, move)
    if not windows:
        return ranges, None
    min_interval = min_interval_days() if min_interval is None else min_interval
    return ranges, _in_ranges(reference_date, filters, windows, closed_days, move, min_interval)


# The order of a run's lines: a notice's títulos one after another.
def line_order() -> list[Any]:
    return [
        *_codes("branch__code", "customer__code"),
        F("due_date"),
        *_codes("document", "installment"),
        F("pk"),
    ]


def _in_ranges(
    reference_date: datetime.date,
    filters: Filters,
    windows: list[tuple[Q, DelayRange]],
    closed_days: set[datetime.date],
    move: bool,
    min_interval: int,
) -> Any:
    """The query: every open título in a range, with its range and first early reason."""
    in_range = reduce(or_, (condition for condition, _ in windows))
    range_id = Case(
        *(When(condition, then=Value(r.pk)) for condition, r in windows),
        output_field=BigIntegerField(),
    )
    # Straight from the windows, not from range_id: a CASE over a CASE would
    # evaluate the windows once per range for every row.
    range_start = Case(
        *(When(condition, then=Value(r.start_day)) for condition, r in windows),
        output_field=IntegerField(),
    )
    effective_due: Any = F("due_date")
    if move and closed_days:
        moved = CalendarDay.objects.filter(
            state=OuterRef("branch__state"),
            city=OuterRef("branch__city"),
            date=OuterRef("due_date"),
        ).values("next_business_day")[:1]
        # Only a due date on a closed day (of some place) needs the calendar row.
        effective_due = Case(
            When(due_date__in=sorted(closed_days), then=Coalesce(Subquery(moved), F("due_date"))),
            default=F("due_date"),
            output_field=DateField(),
        )

    blocked_until = Q(do_not_dun_until__isnull=True) | Q(do_not_dun_until__gte=reference_date)
    customer_blocked_until = Q(customer__do_not_dun_until__isnull=True) | Q(
        customer__do_not_dun_until__gte=reference_date
    )
    # R5: a blocking notice for this due date in this range or a higher one
    # (compared by the start day recorded when it was made).
    already_sent = Exists(
        NoticeItem.objects.filter(
            receivable=OuterRef("pk"),
            blocks=True,
            due_date=OuterRef("due_date"),
            range_start__gte=OuterRef("range_start"),
        )
    )
    receivable_blocked = Q(do_not_dun=True) & blocked_until
    customer_blocked = Q(customer__do_not_dun=True) & customer_blocked_until
    # R4: a pause set in Régua blocks like the ERP's column, with the same reason.
    # Uncorrelated IN subqueries: the database reads the few pauses once per run.
    paused = Pause.objects.in_force(reference_date)
    receivable_blocked |= Q(pk__in=paused.filter(receivable__isnull=False).values("receivable_id"))
    customer_blocked |= Q(
        customer_id__in=paused.filter(customer__isnull=False).values("customer_id")
    )
    # R7: a letter-only notice needs street, city, state and CEP, not returned by the post.
    postal_address = Case(
        When(
            Q(customer__postal_address_invalid=False)
            & ~Q(customer__address="")
            & ~Q(customer__city="")
            & ~Q(customer__state="")
            & ~Q(customer__zip_code=""),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    early_reason = Case(
        When(
            Q(collection__isnull=False, collection__dunnable=False),
            then=Value("collection_not_dunnable"),
        ),
        When(receivable_blocked, then=Value("receivable_blocked")),
        When(customer_blocked, then=Value("customer_blocked")),
        When(already_sent, then=Value("already_sent")),
        default=None,
        output_field=CharField(),
    )
    queryset = (
        Receivable.objects.open()
        .filter(filters.q())
        .filter(in_range)
        .annotate(
            range_id=range_id,
            range_start=range_start,
            balance_cents=_cents(F("amount") - F("paid_amount")),
            due=_raw_date(F("due_date")),
            effective_due=_raw_date(effective_due),
            early_reason=early_reason,
            postal_address=postal_address,
        )
    )
    if min_interval > 0:
        recent = Notice.objects.filter(
            customer=OuterRef("customer_id"),
            status__in=lifecycle.BLOCKING,
            reference_date__gt=reference_date - datetime.timedelta(days=min_interval),
        )
        queryset = queryset.annotate(recent_notice=Exists(recent))
    else:
        queryset = queryset.annotate(recent_notice=Value(False))
    return queryset


def _rows(queryset: Any) -> Any:
    """The lines' columns, in the lines' order."""
    return queryset.order_by(*line_order()).values_list(
        "pk",
        "branch_id",
        "branch__code",
        "customer_id",
        "customer__code",
        "document",
        "installment",
        "due",
        "effective_due",
        "range_id",
        "balance_cents",
        "early_reason",
        "recent_notice",
        "customer__billing_email",
        "customer__email",
        "customer__invalid_emails",
        "postal_address",
    )


def _raw_date(expression: Any) -> Any:
    """A date column as SQLite's text, which the reader turns into dates once per
    distinct day (the driver would parse every row's); PostgreSQL's are dates."""
    if connection.vendor == "sqlite":
        return Cast(expression, TextField())
    return expression


def _codes(*names: str) -> list[Any]:
    """Codes ordered by their characters, as Python sorts them, on every database
    (PostgreSQL would otherwise sort by the server's locale)."""
    if connection.vendor == "postgresql":
        return [Collate(F(name), "C") for name in names]
    return [F(name) for name in names]


@contextmanager
def _without_jit() -> Iterator[None]:
    """On PostgreSQL, no JIT for the selection: its long CASE expressions take seconds
    to compile at a million títulos, longer than the query itself takes to run."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def _lines(
    rows: Any,
    reference_date: datetime.date,
    by_id: dict[int, DelayRange],
    min_cents: dict[int, int],
    group_by: str,
) -> Iterator[Line]:
    """The rows as Lines, a notice's group at a time: the last two reasons need the
    group's total and highest range over the títulos that passed the earlier checks."""
    group: list[tuple[Line, int, bool]] = []
    key: tuple[int, int] | None = None
    dates = Dates()
    with _without_jit():
        for row in _fetch(rows):
            (pk, branch_id, branch, customer_id, customer, document, installment, due,
             effective, rid, value, reason, has_recent, billing, email, refused,
             postal) = row  # fmt: skip
            due, effective = dates[due], dates[effective]
            line = Line(
                receivable_id=pk,
                branch_id=branch_id,
                branch=branch,
                customer_id=customer_id,
                customer=customer,
                document=document,
                installment=installment,
                due_date=due,
                effective_due_date=effective,
                days_overdue=(reference_date - effective).days,
                delay_range=by_id[rid],
                balance=Decimal(value).scaleb(-2),  # exactly two places
                reason=reason,
                contact=(billing, email, refused_emails(refused), bool(postal)),
            )
            if group_by == GroupBy.RECEIVABLE or key != (branch_id, customer_id):
                yield from _decided(group, min_cents)
                group.clear()
                key = (branch_id, customer_id)
            group.append((line, value, bool(has_recent)))
        yield from _decided(group, min_cents)


class Dates(dict[Any, datetime.date]):
    """Dates from the driver's values (text or dates), each distinct one made once."""

    def __missing__(self, value: Any) -> datetime.date:
        day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
        self[value] = day
        return day


def _fetch(rows: Any) -> Iterator[tuple[Any, ...]]:
    """The query's rows as the driver gives them, in ``values_list``'s order, through a
    server-side cursor on PostgreSQL: a million rows pass without Django's per-value
    converters and without all being in memory. Dates may come as text (SQLite), the
    refused addresses as JSON text."""
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    # The columns come in values_list's order (Django 5.2 selects them so).
    names = [alias for _, _, alias in compiler.select]
    if names != list(rows._fields):
        raise RuntimeError(f"colunas fora da ordem pedida: {names}")
    with connections[rows.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10000):
            yield from batch


def refused_emails(value: str | list[str] | None) -> list[str]:
    """The customer's refused addresses from the JSON text ``_fetch`` reads (mostly "[]")."""
    if value is None or value == "[]":
        return []
    if isinstance(value, str):
        return list(json.loads(value))
    return value


def _decided(group: list[tuple[Line, int, bool]], min_cents: dict[int, int]) -> Iterator[Line]:
    """A group's lines with R4's last two reasons: below the minimum balance of the
    group's highest range, then within the minimum interval since the last notice."""
    passed = [(line, cents) for line, cents, _ in group if line.reason is None]
    if passed:
        top = max(line.delay_range.start_day for line, _ in passed)
        total = sum(cents for _, cents in passed)
        for line, _, has_recent in group:
            if line.reason is None:
                if total < min_cents[top]:
                    line.reason = "below_minimum"
                elif has_recent:
                    line.reason = "min_interval"
    for line, _, _ in group:
        if line.reason:
            line.contact = None
        yield line
