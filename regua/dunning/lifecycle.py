"""The notice's life: its states, what each allows, and every change of state.

This module is the only code that writes ``Notice.status`` and ``NoticeItem.blocks``
(``regua/dunning/tests/test_lifecycle.py`` reads every other module, Python and SQL
text alike, to keep it so). A run's new notices take their first state and their
items' ``blocks`` from :func:`initial_state` and :func:`blocks`; every later change
goes through a transition below, guarded by the states it may start from, so two
processes changing one notice at once cannot both win.

The states (DOMAIN.md's table; the sets below are read from it by a test):

| state | meaning | blocks (R5) |
|---|---|---|
| pending | created, waiting for delivery | yes |
| held | "Email e Carta": waiting for a person's review | yes |
| sending | claimed by a worker, talking to the server | yes |
| retry | a temporary failure; will be tried again | yes |
| sent | accepted by the server for at least one recipient | yes |
| uncertain | a worker died while sending; a person must resend or discard | yes |
| failed | refused for good (5xx for every recipient, retries exhausted) | no |
| discarded | dropped by a person in review, or automatically because its títulos were paid | no |
| awaiting_post | approved letter waiting for a print batch; workers never claim it | yes |
| skipped | never sendable (no valid e-mail address; no postal address for a letter) | no |

The transitions (from → to; "by" is who makes them):

| transition | from | to | by |
|---|---|---|---|
| record | (new) | pending, held or skipped (R7, R8) | a run |
| claim | pending, retry | sending | a worker (``CLAIMABLE``) |
| outcome | sending | sent, retry, failed, skipped | the worker that claimed it |
| release | sending | the state it was claimed from | a worker stopping before it sent |
| expire | sending | uncertain | the sweep, when the worker's lease ran out |
| approve | held | pending | a reviewer (R8) |
| approve_letter | held | awaiting_post | a reviewer, for a letter-only notice (R7, R8) |
| post | awaiting_post | sent | a person marking a print batch posted |
| outcome (letter) | sending | awaiting_post or sent | the worker, when the e-mail of a notice with a letter failed |
| discard | pending, held, retry, uncertain, failed | discarded | a person (``DISCARDABLE``) |
| discard_paid | held, sending, awaiting_post | discarded | R8's re-check, every título paid |
| resend | uncertain, failed, retry | pending | a person (``RESENDABLE``) |

A notice travels by one or both channels (``Channel``): ``email`` and ``letter``.

``NoticeItem.blocks`` mirrors "the notice's state blocks" so the database can hold
R5 in a partial unique index; :func:`keep_blocks_in_step` is the one function
that writes it after a notice exists.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F
from django.utils import timezone

from regua.bulk.sql import update_instances
from regua.dunning.models import DunningRun, GenerationType, Notice, NoticeItem, NoticeStatus

S = NoticeStatus


class Channel(models.TextChoices):
    """How a notice reaches the customer (DOMAIN.md): e-mail, a posted letter, or both."""

    EMAIL = "email", "E-mail"
    LETTER = "letter", "Carta"


# Notice.channels as stored: e-mail only, letter only, or both.
EMAIL = Channel.EMAIL.value
LETTER = Channel.LETTER.value
BOTH = f"{EMAIL},{LETTER}"

ALL = frozenset(NoticeStatus)
# R5: the states that block a new notice for the same título and range.
BLOCKING = frozenset({S.PENDING, S.HELD, S.SENDING, S.RETRY, S.SENT, S.UNCERTAIN, S.AWAITING_POST})
# A worker may take these (once their next attempt is due).
CLAIMABLE = frozenset({S.PENDING, S.RETRY})
# A person may send these again, keeping the Message-ID; the "pendências" a person must act on.
RESENDABLE = frozenset({S.UNCERTAIN, S.FAILED, S.RETRY})
# A person may drop these.
DISCARDABLE = frozenset({S.PENDING, S.HELD, S.RETRY, S.UNCERTAIN, S.FAILED})
# R8's re-check may find every título paid in these, and discard the notice.
DISCARDABLE_WHEN_PAID = frozenset({S.HELD, S.SENDING, S.AWAITING_POST})
# States a notice leaves by itself while delivery works (a run's progress bar waits on them).
IN_FLIGHT = frozenset({S.PENDING, S.SENDING})
# What one delivery attempt can end in (a worker counts these as work done).
OUTCOMES = frozenset({S.SENT, S.RETRY, S.FAILED, S.SKIPPED, S.DISCARDED})
# While the notice is not yet on its way, its items may still take the amounts
# it is sent with; afterwards the history is never edited (R10).
OPEN_FOR_RENDERING = frozenset({S.PENDING, S.HELD, S.SENDING, S.RETRY})
# A run with one of these did not complete (exit status 1, the run's "com falha").
COUNTED_AS_FAILED = frozenset({S.FAILED, S.UNCERTAIN})
# Shown to the person who started a run as what needs a look.
NEEDS_ATTENTION = RESENDABLE | {S.SKIPPED}
# Nothing will happen to these any more: history that retention may prune.
FINAL = frozenset({S.SENT, S.FAILED, S.DISCARDED, S.SKIPPED})
# Still on its way: redacting its customer would send a letter without text.
ONGOING = ALL - FINAL

# Delivery's retry policy: the outcome of a temporary failure.
MAX_ATTEMPTS = 10
BACKOFF_FIRST = datetime.timedelta(minutes=1)
BACKOFF_LIMIT = datetime.timedelta(hours=6)
UNCERTAIN_REASON = (
    "o envio foi interrompido sem confirmação do servidor; confira se o cliente recebeu "
    "(pelo Message-ID) e reenvie ou descarte"
)


def blocks(status: str) -> bool:
    """Whether a notice in ``status`` blocks its títulos in its range (R5)."""
    return status in BLOCKING


def initial_state(
    recipients: Sequence[str], generation: str, postal_address: bool = False
) -> tuple[str, str, str]:
    """The state, reason and channels a run records a new notice with (R7, R8).

    In an "Email e Carta" range a customer without a valid e-mail gets a
    letter-only notice, held for review, when the postal address is usable.
    """
    if generation == GenerationType.EMAIL_AND_LETTER:
        if recipients:
            return S.HELD, "", EMAIL
        if postal_address:
            return S.HELD, "", LETTER
        return S.SKIPPED, "no_address", LETTER
    if not recipients:
        return S.SKIPPED, "no_email", EMAIL
    return S.PENDING, "", EMAIL


def channels_of(notice: Notice) -> list[str]:
    """The notice's channels as a list, e-mail first ("channels" in its JSON)."""
    return [c for c in (Channel.EMAIL.value, Channel.LETTER.value) if c in notice.channels]


def has_letter(channels: str) -> bool:
    return Channel.LETTER.value in channels


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 … minutes after each failed attempt, never more than six hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_LIMIT)


def keep_blocks_in_step(notices: Iterable[tuple[int, str]]) -> None:
    """Write ``NoticeItem.blocks`` for these (notice id, state) pairs: the R5 guard follows
    the state. Only items whose flag differs are written."""
    by_flag: dict[bool, list[int]] = {True: [], False: []}
    for pk, status in notices:
        by_flag[blocks(status)].append(pk)
    for flag, ids in by_flag.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            NoticeItem.objects.filter(notice_id__in=chunk, blocks=not flag).update(blocks=flag)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str


APPROVE = Transition("approve", frozenset({S.HELD}), S.PENDING)
# A letter-only notice approved (R8): it waits in the print queue, never claimed.
APPROVE_LETTER = Transition("approve_letter", frozenset({S.HELD}), S.AWAITING_POST)
DISCARD = Transition("discard", DISCARDABLE, S.DISCARDED)
DISCARD_PAID = Transition("discard_paid", DISCARDABLE_WHEN_PAID, S.DISCARDED)
RESEND = Transition("resend", RESENDABLE, S.PENDING)


@transaction.atomic
def move(notice: Notice, transition: Transition, **fields: Any) -> bool:
    """Make ``transition`` on one notice, with these other fields, if its state allows.

    One guarded UPDATE (the state must still be one of the transition's sources),
    then the items' R5 guard; the instance follows. False, and nothing written,
    when the notice was not in a source state. May raise IntegrityError when the
    new state blocks and another notice already blocks one of its títulos.
    """
    written = Notice.objects.filter(pk=notice.pk, status__in=transition.sources).update(
        status=transition.target, **fields
    )
    if not written:
        return False
    notice.status = transition.target
    for name, value in fields.items():
        setattr(notice, name, value)
    keep_blocks_in_step([(notice.pk, transition.target)])
    return True


def claim(ids: Sequence[int], worker_id: str, *, lease_until: datetime.datetime) -> int:
    """pending/retry → sending for this worker, one guarded UPDATE; returns the rows taken.

    Both states block, so the items' guard stays as it is.
    """
    return Notice.objects.filter(pk__in=list(ids), status__in=CLAIMABLE).update(
        status=S.SENDING,
        claimed_by=worker_id,
        lease_until=lease_until,
        attempts=F("attempts") + 1,
    )


def expire(now: datetime.datetime) -> int:
    """sending → uncertain for every notice whose worker stopped renewing its lease.

    "uncertain" blocks like "sending" (R5): the items' guard stays as it is.
    """
    return Notice.objects.filter(status=S.SENDING, lease_until__lt=now).update(
        status=S.UNCERTAIN, reason=UNCERTAIN_REASON[:200], lease_until=None
    )


def release(previous: dict[int, str], worker_id: str) -> None:
    """Claimed but never started: back to the state each was claimed from, the attempt
    not counted (both states block, as "sending" does)."""
    for status in CLAIMABLE:
        back = [pk for pk, was in previous.items() if was == status]
        if back:
            Notice.objects.filter(pk__in=back, status=S.SENDING, claimed_by=worker_id).update(
                status=status, attempts=F("attempts") - 1, lease_until=None, claimed_by=""
            )


def outcome(notice: Notice, status: str, reason: str, now: datetime.datetime) -> None:
    """Decide, on the instance, the state one attempt leaves ``notice`` in (not yet written).

    ``status`` is what the attempt gave (sent, retry, failed, skipped); a retry
    past ``MAX_ATTEMPTS`` fails for good. :func:`record_outcomes` writes it.
    """
    notice.lease_until = None
    notice.next_attempt_at = None
    if status == S.SENT:
        notice.status = S.SENT
        notice.reason = ""
        notice.sent_at = now
    elif status == S.RETRY and notice.attempts < MAX_ATTEMPTS:
        notice.status = S.RETRY
        notice.reason = reason[:200]
        notice.next_attempt_at = now + backoff(notice.attempts)
    elif status == S.RETRY:
        notice.status = S.FAILED
        notice.reason = f"tentativas esgotadas ({notice.attempts}): {reason}"[:200]
    else:
        notice.status = status
        notice.reason = reason[:200]
    if notice.status in (S.FAILED, S.SKIPPED) and has_letter(notice.channels):
        # Failed only when every channel failed: the letter was posted, or still will be.
        notice.status = S.SENT if notice.posted_at else S.AWAITING_POST


OUTCOME_FIELDS = ("status", "reason", "sent_at", "next_attempt_at", "lease_until")


def record_outcomes(notices: list[Notice], fields: Sequence[str], worker_id: str) -> list[Notice]:
    """Write the outcomes :func:`outcome` decided (``OUTCOME_FIELDS`` and ``fields``), all
    rows in one statement guarded by "still sending for this worker", then the R5 guard.

    Returns the notices written: a row whose lease ran out is left as the sweep made it.
    """
    names = list(dict.fromkeys([*OUTCOME_FIELDS, *fields]))
    guard = {"status": S.SENDING.value, "claimed_by": worker_id}
    written = update_instances(notices, names, where=guard)
    mine = notices
    if written != len(notices):
        actual = dict(
            Notice.objects.filter(pk__in=[n.pk for n in notices]).values_list("pk", "status")
        )
        mine = [n for n in notices if actual.get(n.pk) == n.status]
    keep_blocks_in_step((n.pk, n.status) for n in mine if not blocks(n.status))
    return mine


def post(notice_ids: Sequence[int], *, by: str, now: datetime.datetime) -> int:
    """Letters marked posted: each notice records who and when; one that waited only for
    its letter (awaiting_post) is now sent (any channel delivered it). Both states block.

    Returns how many notices became sent.
    """
    ids = list(notice_ids)
    Notice.objects.filter(pk__in=ids, posted_at__isnull=True).update(posted_at=now, posted_by=by)
    return Notice.objects.filter(pk__in=ids, status=S.AWAITING_POST).update(
        status=S.SENT, sent_at=now, reason=""
    )


def refresh_run_counts(run: DunningRun) -> None:
    """Count the run's notices by state again (after delivery or review moved them on)."""
    by_status = dict(
        Notice.objects.filter(run=run).values_list("status").annotate(n=Count("pk")).order_by()
    )
    run.notices = sum(by_status.values())
    run.sent = by_status.get(S.SENT, 0)
    run.held = by_status.get(S.HELD, 0)
    run.skipped = by_status.get(S.SKIPPED, 0)
    run.failed = sum(by_status.get(s, 0) for s in COUNTED_AS_FAILED)
    run.save(update_fields=["notices", "sent", "held", "skipped", "failed", "finished_at"])


def run_failed(run: DunningRun) -> bool:
    """Whether a notice of the run failed or is uncertain."""
    return Notice.objects.filter(run=run, status__in=COUNTED_AS_FAILED).exists()


def count_states(notices: "models.QuerySet[Notice]") -> dict[str, int]:
    """How many of these notices are in each state."""
    return dict(notices.values_list("status").annotate(n=Count("pk")).order_by())


# The run's own life: recorded, delivered by the process that made it (or by
# workers), finished; or interrupted when that process died before finishing.


def run_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "REGUA_DELIVERY_LEASE_SECONDS", 300))


def renew_run(run: DunningRun) -> None:
    """The process delivering ``run`` is alive: keep its lease."""
    run.lease_until = timezone.now() + run_lease()
    DunningRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
        lease_until=run.lease_until
    )


def finish_run(run: DunningRun) -> None:
    """The run is done (its notices delivered, or left to the workers): stamp and count it."""
    run.finished_at = timezone.now()
    run.lease_until = None
    run.save(update_fields=["finished_at", "lease_until"])
    refresh_run_counts(run)


def interrupt_abandoned_runs(now: datetime.datetime | None = None) -> int:
    """Runs whose process stopped renewing the lease before finishing → interrupted.

    Called by whoever takes the run lock next and by the workers' sweep; the
    run's counters are refreshed from what its notices became.
    """
    now = now or timezone.now()
    abandoned = list(
        DunningRun.objects.filter(
            finished_at__isnull=True, interrupted_at__isnull=True, lease_until__lt=now
        )
    )
    for run in abandoned:
        if DunningRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
            interrupted_at=now, lease_until=None
        ):
            run.interrupted_at, run.lease_until = now, None
            refresh_run_counts(run)
    return len(abandoned)
