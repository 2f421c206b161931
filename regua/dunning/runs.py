"""Emitir: a run selects, groups (R6), addresses (R7) and records its notices.

``execute_run`` is what the command line, the pages, the API and the schedules
call. Recording happens in one transaction that first takes the "run" lock row,
then re-runs the selection, so two runs at once serialise and the second sees
what the first recorded (R5); the partial unique index on the items is the
database's last word, and an IntegrityError rolls the whole run back.

Delivery is the caller's: ``execute_run`` returns the notices it left pending
and the caller hands them to ``regua.delivery.dispatch`` (now, queued or left
for the workers). The notices' first states come from ``regua.dunning.lifecycle``.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring as quote
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from regua import ptbr
from regua.audit import log
from regua.bulk.sql import Writer, refresh_statistics
from regua.dunning import ab, lifecycle, recording, setrun
from regua.dunning.history import money
from regua.dunning.models import (
    DelayRange,
    DunningLock,
    DunningRun,
    GroupBy,
    Notice,
    NoticeItem,
    NoticeStatus,
)
from regua.dunning.recipients import recipients_from
from regua.dunning.selection import Filters, Line, Selection, stream

# How often a run is recorded again when the database refuses it (R5's index),
# which only happens when something bypassed the run lock.
RECORD_ATTEMPTS = 3


@dataclass(slots=True)
class PlannedNotice:
    """A notice a run makes (or, in a dry run, would make)."""

    branch_id: int
    branch: str
    customer_id: int
    customer: str
    delay_range: DelayRange
    status: str
    reason: str
    recipients: list[str]
    lines: list[Line]
    total_balance: Decimal
    # Notice.channels as the run decides them (R7): "email" or "letter".
    channels: str = lifecycle.EMAIL
    notice_id: int | None = None
    # The range's model, or the customer's side's in an A/B split (regua.dunning.ab).
    side: ab.Side | None = None
    template_id: int = 0
    template_number: int = 0

    def as_json(self) -> dict[str, Any]:
        """notice_json's shape, from what the run planned (and recorded)."""
        r = self.delay_range
        return {
            "id": self.notice_id,
            "branch": self.branch,
            "customer": self.customer,
            "status": self.status,
            "reason": self.reason or None,
            "range": {"id": r.pk, "start": r.start_day, "end": r.end_day},
            "template": self.template_number,
            "generation": r.generation,
            "recipients": list(self.recipients),
            "receivables": [
                {
                    "branch": line.branch,
                    "document": line.document,
                    "installment": line.installment,
                    "days_overdue": line.days_overdue,
                    "range": {"start": line.delay_range.start_day, "end": line.delay_range.end_day},
                    "balance": money(line.balance),
                }
                for line in self.lines
            ],
            "channels": self.channels.split(","),
        }


def notice_json_text(p: PlannedNotice) -> str:
    """``json.dumps(p.as_json(), ensure_ascii=False)``, written straight: a run of a
    million títulos prints a notice in a fifth of the time. Strings the ERP gave
    (codes, documents, addresses) pass through the JSON string encoder."""
    r = p.delay_range
    items = ", ".join(
        f'{{"branch": {quote(line.branch)}, "document": {quote(line.document)}, '
        f'"installment": {quote(line.installment)}, "days_overdue": {line.days_overdue}, '
        f'"range": {{"start": {line.delay_range.start_day}, "end": {line.delay_range.end_day}}}, '
        f'"balance": "{line.balance}"}}'
        for line in p.lines
    )
    return (
        f'{{"id": {"null" if p.notice_id is None else p.notice_id}, "branch": {quote(p.branch)}, '
        f'"customer": {quote(p.customer)}, "status": {quote(p.status)}, '
        f'"reason": {quote(p.reason) if p.reason else "null"}, '
        f'"range": {{"id": {r.pk}, "start": {r.start_day}, "end": {r.end_day}}}, '
        f'"template": {p.template_number}, "generation": {quote(r.generation)}, '
        f'"recipients": [{", ".join(quote(a) for a in p.recipients)}], '
        f'"receivables": [{items}], '
        f'"channels": [{", ".join(quote(c) for c in p.channels.split(","))}]}}'
    )


def skip_json(line: Line) -> dict[str, Any]:
    """A título the run left out, as `regua run --json` lists it."""
    return {
        "branch": line.branch,
        "document": line.document,
        "installment": line.installment,
        "customer": line.customer,
        "reason": line.reason,
    }


class Listener(Protocol):
    """Who hears of a run's notices and skipped títulos as the run makes them.

    ``restart`` comes before the first one and again when the database refused
    the run and it is recorded anew: forget what came before.
    """

    def restart(self) -> None: ...

    def notice(self, planned: PlannedNotice) -> None: ...

    def skip(self, line: Line) -> None: ...


class Collected:
    """A listener that keeps everything: the pages and the API show small runs whole."""

    def __init__(self) -> None:
        self.notices: list[PlannedNotice] = []
        self.skipped: list[Line] = []

    def restart(self) -> None:
        self.notices, self.skipped = [], []

    def notice(self, planned: PlannedNotice) -> None:
        self.notices.append(planned)

    def skip(self, line: Line) -> None:
        self.skipped.append(line)


@dataclass
class Totals:
    candidates: int = 0
    notices: int = 0
    skipped_receivables: int = 0
    balance: Decimal = Decimal("0.00")
    statuses: Counter[str] = field(default_factory=Counter)


@dataclass
class RunResult:
    reference_date: datetime.date
    dry_run: bool
    run: DunningRun | None
    # Every notice and skipped título, unless execute_run was given a listener.
    notices: list[PlannedNotice]
    skipped: list[Line]
    totals: Totals
    # The e-mail notices left pending for delivery.
    pending: list[int] = field(default_factory=list)

    def current_states(self) -> dict[int, tuple[str, str]]:
        """Status and reason of each recorded notice now (delivery may have moved them on)."""
        if self.run is None:
            return {}
        rows = Notice.objects.filter(run=self.run).values_list("pk", "status", "reason")
        return {pk: (status, reason) for pk, status, reason in rows}

    def as_json(self) -> dict[str, Any]:
        """The object `regua run --json` prints."""
        notices = [p.as_json() for p in self.notices]
        current = self.current_states()
        for notice in notices:
            if notice["id"] in current:
                notice["status"], reason = current[notice["id"]]
                notice["reason"] = reason or None
        return {
            "run": self.run.pk if self.run else None,
            "date": self.reference_date.isoformat(),
            "dry_run": self.dry_run,
            "notices": notices,
            "skipped": [skip_json(line) for line in self.skipped],
        }

    @property
    def exit_status(self) -> int:
        """0 when the run completed, 1 when a notice failed or is uncertain."""
        if self.run is None:
            return 0
        return 1 if lifecycle.run_failed(self.run) else 0


def planned_notices(
    lines: Iterable[Line], group_by: str, skip: Callable[[Line], None]
) -> Iterator[PlannedNotice]:
    """Group the candidates into notices (R6) and address them (R7), in the lines' order
    (a notice's títulos one after another); the skipped lines go to ``skip``."""
    addresses = _recipients_cache()
    sides = ab.Sides.for_run()
    group: list[Line] = []
    for line in lines:
        if line.reason:
            skip(line)
            continue
        if group and (
            group_by == GroupBy.RECEIVABLE
            or (line.branch_id, line.customer_id) != (group[0].branch_id, group[0].customer_id)
        ):
            yield _planned(group, addresses, sides)
            group = []
        group.append(line)
    if group:
        yield _planned(group, addresses, sides)


def _recipients_cache() -> Callable[[Line], list[str]]:
    """R7's addresses, worked out once per customer's e-mail fields."""
    known: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}

    def addresses(line: Line) -> list[str]:
        assert line.contact is not None
        billing, email, refused, _ = line.contact
        key = (billing, email, tuple(refused or ()))
        found = known.get(key)
        if found is None:
            if len(known) > 10000:
                known.clear()
            found = known[key] = recipients_from(billing, email, refused)
        return found

    return addresses


def _planned(
    lines: list[Line], addresses: Callable[[Line], list[str]], sides: ab.Sides | None
) -> PlannedNotice:
    first = lines[0]
    # The notice speaks with the template and generation of its highest range.
    top = max((line.delay_range for line in lines), key=lambda r: r.start_day)
    recipients = addresses(first)
    assert first.contact is not None
    status, reason, channels = lifecycle.initial_state(
        recipients, top.generation, postal_address=first.contact[3]
    )
    side = sides.side_of(first.customer_id, top) if sides is not None else None
    template_id, template_number = (
        sides.template_of(side) if sides and side else (top.template_id, top.template.number)
    )
    return PlannedNotice(
        branch_id=first.branch_id,
        branch=first.branch,
        customer_id=first.customer_id,
        customer=first.customer,
        delay_range=top,
        status=status,
        reason=reason,
        recipients=list(recipients),
        channels=channels,
        lines=lines,
        total_balance=sum((line.balance for line in lines), Decimal("0.00")),
        side=side,
        template_id=template_id,
        template_number=template_number,
    )


class _Recorder:
    """Writes a run's notices and their títulos as the run plans them (see ``recording``)."""

    NOTICE = (
        "id", "run_id", "branch_id", "customer_id", "delay_range_id", "range_start", "range_end",
        "template_id", "template_number", "generation", "reference_date", "user", "status",
        "reason", "recipients", "total_balance", "channels",
    )  # fmt: skip
    ITEM = (
        "notice_id", "receivable_id", "delay_range_id", "due_date", "effective_due_date",
        "days_overdue", "range_start", "range_end", "balance", "blocks",
    )  # fmt: skip

    def __init__(self, run: DunningRun, writer: Writer) -> None:
        self.run = run
        self.ids = recording.Ids(Notice, before_query=writer.drain)
        self.notices = recording.Rows(Notice, self.NOTICE, writer)
        self.items = recording.Rows(NoticeItem, self.ITEM, writer)
        self.pending: list[int] = []
        self.sides: list[ab.Side] = []

    def add(self, p: PlannedNotice) -> None:
        p.notice_id = pk = self.ids.take()
        r = p.delay_range
        run = self.run
        self.notices.add(
            pk, run.pk, p.branch_id, p.customer_id, r.pk, r.start_day, r.end_day,
            p.template_id, p.template_number, r.generation, run.reference_date, run.user,
            p.status, p.reason, p.recipients, p.total_balance, p.channels,
        )  # fmt: skip
        blocks = lifecycle.blocks(p.status)
        for line in p.lines:
            lr = line.delay_range
            self.items.add(
                pk, line.receivable_id, lr.pk, line.due_date, line.effective_due_date,
                line.days_overdue, lr.start_day, lr.end_day, line.balance, blocks,
            )  # fmt: skip
        if p.status == NoticeStatus.PENDING:
            self.pending.append(pk)
        if p.side is not None:
            self.sides.append(p.side)
        if len(self.notices.pending) >= recording.BATCH:
            self.write()

    def write(self) -> None:
        self.notices.write()
        self.items.write()


def _record(
    selection: Selection,
    planned: Iterable[PlannedNotice],
    *,
    user: str,
    totals: Totals | None = None,
    listener: Listener | None = None,
) -> tuple[DunningRun, list[int]]:
    """Record a run of ``selection``'s date, filters and grouping: its row, its notices
    and their títulos. Returns the run and its pending e-mail notices."""
    totals = totals if totals is not None else Totals()
    run = _new_run(selection, user)
    with recording.writing(Notice, NoticeItem) as writer:
        recorder = _Recorder(run, writer)
        for p in planned:
            recorder.add(p)
            _count(totals, p)
            if listener is not None:
                listener.notice(p)
        recorder.write()
        if totals.candidates >= recording.ANALYZE_AFTER:
            # Before autovacuum gets to it the planner would read the outbox and
            # the letters' queries as if these rows did not exist.
            writer.analyze(Notice)
            writer.analyze(NoticeItem)
    ab.store(recorder.sides)
    _save_counts(run, totals)
    return run, recorder.pending


def _new_run(selection: Selection, user: str) -> DunningRun:
    """The run's row, its lease held until the run is finished."""
    return DunningRun.objects.create(
        user=user,
        reference_date=selection.reference_date,
        filters=selection.filters.as_json(),
        group_by=selection.group_by,
        lease_until=timezone.now() + lifecycle.run_lease(),
    )


def _save_counts(run: DunningRun, totals: Totals) -> None:
    run.candidates = totals.candidates
    run.notices = totals.notices
    run.held = totals.statuses[NoticeStatus.HELD]
    run.skipped = totals.statuses[NoticeStatus.SKIPPED]
    run.save(update_fields=["candidates", "notices", "held", "skipped"])


def _count(totals: Totals, p: PlannedNotice) -> None:
    totals.notices += 1
    totals.candidates += len(p.lines)
    totals.balance += p.total_balance
    totals.statuses[p.status] += 1


def _audit(run: DunningRun, totals: Totals) -> None:
    log.record(
        run.user,
        "run.execute",
        run,
        f"Emissão de {run.reference_date:%d/%m/%Y}: "
        f"{ptbr.count(totals.candidates, 'título', 'títulos')}, "
        f"{ptbr.count(totals.notices, 'carta', 'cartas')}, "
        f"{totals.statuses[NoticeStatus.HELD]} em revisão, "
        f"{totals.statuses[NoticeStatus.SKIPPED]} sem e-mail, "
        f"{ptbr.count(totals.skipped_receivables, 'título', 'títulos')} fora.",
        {"filters": run.filters, "group_by": run.group_by},
    )


def execute_run(
    reference_date: datetime.date | None = None,
    *,
    user: str,
    filters: Filters | None = None,
    group_by: str = GroupBy.CUSTOMER,
    dry_run: bool = False,
    min_interval: int | None = None,
    listener: Listener | None = None,
    finish: bool = True,
) -> RunResult:
    """Run the dunning for ``reference_date`` (today by default).

    The e-mail notices are left pending (``result.pending``) for the caller to
    hand to delivery. ``finish=False`` keeps the run open, its lease held, for
    a caller that delivers them itself and then calls ``lifecycle.finish_run``
    (renewing with ``lifecycle.renew_run`` meanwhile); a run whose process dies
    before that is marked interrupted by the next one to take the run lock.
    A dry run records nothing (not even calendar days) and returns what would happen.
    The notices and skipped títulos come back in the result, or, given a
    ``listener``, go to it one by one as the run makes them and are not kept (a
    run of a million títulos then holds one notice's títulos at a time).
    Raises SelectionError for filters or configuration that cannot be used.
    """
    selection = Selection(reference_date or timezone.localdate(), group_by, filters or Filters())
    collected = Collected()
    hears = listener or collected
    if dry_run:
        # Nothing to write: the lines streamed and decided in Python, as the database
        # sorts them, take two thirds of the set-based path's time (docs/BENCHMARKS.md).
        with transaction.atomic():
            run, totals, pending = _make_streaming(selection, hears, min_interval, user=None)
            transaction.set_rollback(True)
    else:
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    DunningLock.acquire("run")
                    lifecycle.interrupt_abandoned_runs()
                    run, totals, pending = _make(selection, hears, min_interval, user=user)
                break
            except IntegrityError:
                if attempt == RECORD_ATTEMPTS:
                    raise
    if run is not None and finish:
        lifecycle.finish_run(run)
    return RunResult(
        selection.reference_date,
        dry_run,
        run,
        collected.notices,
        collected.skipped,
        totals,
        pending,
    )


def _make(
    selection: Selection, hears: Listener, min_interval: int | None, *, user: str | None
) -> tuple[DunningRun | None, Totals, list[int]]:
    """Select, plan and (given a user) record, the database doing the work set by set
    (``setrun``), then tell ``hears`` of each notice and skip, in notice order."""
    hears.restart()
    work = setrun.SetRun(selection, min_interval)
    made = work.build(record=user is not None)
    totals = Totals(
        candidates=made.candidates,
        notices=made.notices,
        skipped_receivables=made.skipped,
        balance=made.balance,
        statuses=Counter(made.statuses),
    )
    run = None
    if user is not None:
        run = _new_run(selection, user)
        work.write(run)
        if totals.candidates >= recording.ANALYZE_AFTER:
            # Before autovacuum gets to it the planner would read the outbox and
            # the letters' queries as if these rows did not exist.
            refresh_statistics(Notice)
            refresh_statistics(NoticeItem)
        ab.store(made.sides)
        _save_counts(run, totals)
    for (
        gno,
        notice_id,
        range_id,
        status,
        reason,
        channels,
        recipients,
        tid,
        tnum,
        lines,
    ) in work.notices():
        first = lines[0]
        hears.notice(
            PlannedNotice(
                branch_id=first.branch_id,
                branch=first.branch,
                customer_id=first.customer_id,
                customer=first.customer,
                delay_range=work.ranges[range_id],
                status=status,
                reason=reason,
                recipients=recipients,
                lines=lines,
                total_balance=sum((line.balance for line in lines), Decimal("0.00")),
                channels=channels,
                notice_id=notice_id,
                side=work.side_of_group.get(gno),
                template_id=tid,
                template_number=tnum,
            )
        )
    for line in work.skipped():
        hears.skip(line)
    work.drop()
    if run is not None:
        _audit(run, totals)
    return run, totals, made.pending


def _make_streaming(
    selection: Selection, hears: Listener, min_interval: int | None, *, user: str | None
) -> tuple[DunningRun | None, Totals, list[int]]:
    """The same as ``_make``, one line at a time in Python: the path the set-based run
    replaced, kept as the comparison its tests hold it to."""
    hears.restart()
    totals = Totals()

    def skip(line: Line) -> None:
        totals.skipped_receivables += 1
        hears.skip(line)

    lines = stream(
        selection.reference_date, selection.filters, selection.group_by, min_interval=min_interval
    )
    planned = planned_notices(lines, selection.group_by, skip)
    if user is None:
        for p in planned:
            _count(totals, p)
            hears.notice(p)
        return None, totals, []
    run, pending = _record(selection, planned, user=user, totals=totals, listener=hears)
    _audit(run, totals)
    return run, totals, pending
