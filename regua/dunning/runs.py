"""Emitir: a run selects, groups (R6), addresses (R7) and records its notices.

``execute_run`` is what the command line, the pages, the API and the schedules
call. Recording happens in one transaction that first takes the "run" lock row,
then re-runs the selection, so two runs at once serialise and the second sees
what the first recorded (R5); the partial unique index on the items is the
database's last word, and an IntegrityError rolls the whole run back. Delivery
is asked for only after the transaction commits.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from regua.audit import log
from regua.dunning.history import money, notice_json, with_items
from regua.dunning.models import (
    BLOCKING_STATUSES,
    DelayRange,
    DunningLock,
    DunningRun,
    GenerationType,
    GroupBy,
    Notice,
    NoticeItem,
    NoticeStatus,
)
from regua.dunning.recipients import recipients_from
from regua.dunning.selection import Filters, Line, Selection, select

Delivery = Literal["now", "enqueue", "none"]
# How often a run is recorded again when the database refuses it (R5's index),
# which only happens when something bypassed the run lock.
RECORD_ATTEMPTS = 3


@dataclass
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
    notice: Notice | None = None

    @property
    def total_balance(self) -> Decimal:
        return sum((line.balance for line in self.lines), Decimal("0.00"))

    def as_json(self) -> dict[str, Any]:
        """notice_json's shape, for a notice that exists only in a dry run."""
        r = self.delay_range
        return {
            "id": None,
            "branch": self.branch,
            "customer": self.customer,
            "status": self.status,
            "reason": self.reason or None,
            "range": {"id": r.pk, "start": r.start_day, "end": r.end_day},
            "template": r.template.number,
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
        }


@dataclass
class RunResult:
    reference_date: datetime.date
    dry_run: bool
    run: DunningRun | None
    notices: list[PlannedNotice]
    skipped: list[Line]
    selection: Selection | None = field(default=None, repr=False)

    def notice_objects(self) -> list[Notice]:
        return [p.notice for p in self.notices if p.notice is not None]

    def as_json(self) -> dict[str, Any]:
        """The object `regua run --json` prints."""
        if self.dry_run:
            notices = [p.as_json() for p in self.notices]
        else:
            loaded = {
                n.pk: n
                for n in with_items(
                    Notice.objects.filter(
                        pk__in=[n.pk for n in self.notice_objects()]
                    ).select_related("branch", "customer")
                )
            }
            notices = [notice_json(loaded[n.pk]) for n in self.notice_objects()]
        return {
            "run": self.run.pk if self.run else None,
            "date": self.reference_date.isoformat(),
            "dry_run": self.dry_run,
            "notices": notices,
            "skipped": [
                {
                    "branch": line.branch,
                    "document": line.document,
                    "installment": line.installment,
                    "customer": line.customer,
                    "reason": line.reason,
                }
                for line in self.skipped
            ],
        }

    def statuses(self) -> list[str]:
        if self.dry_run:
            return [p.status for p in self.notices]
        ids = [n.pk for n in self.notice_objects()]
        return list(Notice.objects.filter(pk__in=ids).values_list("status", flat=True))

    @property
    def exit_status(self) -> int:
        """0 when the run completed, 1 when a notice failed or is uncertain."""
        bad = {NoticeStatus.FAILED, NoticeStatus.UNCERTAIN}
        return 1 if any(status in bad for status in self.statuses()) else 0


def plan(selection: Selection) -> list[PlannedNotice]:
    """Group the candidates into notices (R6) and address them (R7)."""
    groups: dict[tuple[int, ...], list[Line]] = {}
    for line in selection.candidates:
        key = (
            (line.receivable_id,)
            if selection.group_by == GroupBy.RECEIVABLE
            else (line.branch_id, line.customer_id)
        )
        groups.setdefault(key, []).append(line)
    # R7's addresses, once per customer.
    recipients = {pk: recipients_from(*fields) for pk, fields in selection.contacts.items()}
    planned = []
    for lines in groups.values():
        first = lines[0]
        # The notice speaks with the template and generation of its highest range.
        top = max((line.delay_range for line in lines), key=lambda r: r.start_day)
        addresses = recipients[first.customer_id]
        if not addresses:
            status, reason = NoticeStatus.SKIPPED, "no_email"
        elif top.generation == GenerationType.EMAIL_AND_LETTER:
            status, reason = NoticeStatus.HELD, ""
        else:
            status, reason = NoticeStatus.PENDING, ""
        planned.append(
            PlannedNotice(
                branch_id=first.branch_id,
                branch=first.branch,
                customer_id=first.customer_id,
                customer=first.customer,
                delay_range=top,
                status=status,
                reason=reason,
                recipients=addresses,
                lines=lines,
            )
        )
    # Notices read in the order of branch and customer codes (the selection is in id order).
    planned.sort(key=lambda p: (p.branch, p.customer, p.lines[0].due_date, p.lines[0].document))
    return planned


def _record(selection: Selection, planned: list[PlannedNotice], *, user: str) -> DunningRun:
    counts = Counter(p.status for p in planned)
    run = DunningRun.objects.create(
        user=user,
        reference_date=selection.reference_date,
        filters=selection.filters.as_json(),
        group_by=selection.group_by,
        candidates=len(selection.candidates),
        notices=len(planned),
        held=counts[NoticeStatus.HELD],
        skipped=counts[NoticeStatus.SKIPPED],
    )
    notices = Notice.objects.bulk_create(
        [
            Notice(
                run=run,
                branch_id=p.branch_id,
                customer_id=p.customer_id,
                delay_range=p.delay_range,
                range_start=p.delay_range.start_day,
                range_end=p.delay_range.end_day,
                template=p.delay_range.template,
                template_number=p.delay_range.template.number,
                generation=p.delay_range.generation,
                reference_date=selection.reference_date,
                user=user,
                status=p.status,
                reason=p.reason,
                recipients=p.recipients,
                total_balance=p.total_balance,
            )
            for p in planned
        ],
        batch_size=500,
    )
    for p, notice in zip(planned, notices, strict=True):
        p.notice = notice
    NoticeItem.objects.bulk_create(
        [
            NoticeItem(
                notice=p.notice,
                receivable_id=line.receivable_id,
                delay_range=line.delay_range,
                due_date=line.due_date,
                effective_due_date=line.effective_due_date,
                days_overdue=line.days_overdue,
                range_start=line.delay_range.start_day,
                range_end=line.delay_range.end_day,
                balance=line.balance,
                blocks=p.status in BLOCKING_STATUSES,
            )
            for p in planned
            for line in p.lines
        ],
        batch_size=1000,
    )
    log.record(
        user,
        "run.execute",
        run,
        f"Emissão de {selection.reference_date:%d/%m/%Y}: {len(selection.candidates)} título(s), "
        f"{len(planned)} carta(s), {counts[NoticeStatus.HELD]} em revisão, "
        f"{counts[NoticeStatus.SKIPPED]} sem e-mail, {len(selection.skipped)} título(s) fora.",
        {"filters": run.filters, "group_by": run.group_by},
    )
    return run


def refresh_run_counts(run: DunningRun) -> None:
    """Count the run's notices by state again (after delivery moved them on)."""
    by_status = dict(
        Notice.objects.filter(run=run).values_list("status").annotate(n=Count("pk")).order_by()
    )
    run.notices = sum(by_status.values())
    run.sent = by_status.get(NoticeStatus.SENT, 0)
    run.held = by_status.get(NoticeStatus.HELD, 0)
    run.skipped = by_status.get(NoticeStatus.SKIPPED, 0)
    run.failed = by_status.get(NoticeStatus.FAILED, 0) + by_status.get(NoticeStatus.UNCERTAIN, 0)
    run.save(update_fields=["notices", "sent", "held", "skipped", "failed", "finished_at"])


def _deliver(ids: list[int], how: Delivery) -> None:
    from regua.delivery import outbox

    if not ids or how == "none":
        return
    if how == "now":
        outbox.deliver_now(ids)
    else:
        outbox.enqueue_delivery(ids)


def execute_run(
    reference_date: datetime.date | None = None,
    *,
    user: str,
    filters: Filters | None = None,
    group_by: str = GroupBy.CUSTOMER,
    dry_run: bool = False,
    deliver: Delivery = "enqueue",
    min_interval: int | None = None,
) -> RunResult:
    """Run the dunning for ``reference_date`` (today by default).

    ``deliver``: "now" delivers the e-mail notices in this process before
    returning, "enqueue" leaves them to the workers, "none" leaves them pending.
    A dry run records nothing (not even calendar days) and returns what would happen.
    Raises SelectionError for filters or configuration that cannot be used.
    """
    reference_date = reference_date or timezone.localdate()
    filters = filters or Filters()
    if dry_run:
        with transaction.atomic():
            selection = select(reference_date, filters, group_by, min_interval=min_interval)
            planned = plan(selection)
            transaction.set_rollback(True)
        return RunResult(reference_date, True, None, planned, selection.skipped, selection)

    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                DunningLock.acquire("run")
                selection = select(reference_date, filters, group_by, min_interval=min_interval)
                planned = plan(selection)
                run = _record(selection, planned, user=user)
                pending = [
                    p.notice.pk
                    for p in planned
                    if p.notice is not None and p.status == NoticeStatus.PENDING
                ]
                transaction.on_commit(partial(_deliver, pending, deliver))
            break
        except IntegrityError:
            if attempt == RECORD_ATTEMPTS:
                raise
    run.finished_at = timezone.now()
    refresh_run_counts(run)
    return RunResult(reference_date, False, run, planned, selection.skipped, selection)
