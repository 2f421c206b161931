"""The outbox: notices delivered once, never twice, never lost.

A notice row is its own outbox entry (pending → sending → sent / retry /
failed); every change of its state is made by ``regua.dunning.lifecycle``. A worker claims a small group with one atomic UPDATE guarded by the
status and checks what it got (healthchecks' ``process_one_flip``); the
Message-ID is stored in that same transaction, before any SMTP talk, so a
crash can be recognised in the server's logs. The group's messages go over the
worker's K reused connections (``regua.delivery.conversations``, none of which
touches the database) while this thread renders the next group, and each
group's states are committed together: a worker killed mid-group leaves at most
the two groups it holds (MOST_UNCERTAIN_PER_WORKER notices) in "sending", which
become "uncertain" when their lease runs out — shown to a person, who resends
or discards them.
"""

import datetime
import logging
import os
import secrets
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from regua import ptbr
from regua.access.permissions import actor_name
from regua.audit import log
from regua.bulk.sql import update_instances
from regua.delivery import How, pace
from regua.delivery.capture import CaptureSession
from regua.delivery.conversations import Conversations, Parcel, Session, connection_count
from regua.delivery.messages import (
    MessageError,
    NoRecipients,
    Outgoing,
    Sender,
    domain_of,
    notice_message,
    sender_for,
)
from regua.delivery.models import BranchSender, CapturedEmail, EmailSettings
from regua.delivery.smtp import FAILED, SENT, Result, SmtpSession
from regua.dunning import lifecycle
from regua.dunning.lifecycle import (  # noqa: F401 - the retry policy, as delivery names it
    BACKOFF_FIRST,
    BACKOFF_LIMIT,
    DISCARDABLE,
    MAX_ATTEMPTS,
    RESENDABLE,
    UNCERTAIN_REASON,
    backoff,
)
from regua.dunning.models import DunningRun, Notice, NoticeItem, NoticeStatus
from regua.dunning.notices import drop_settled_items
from regua.letters.rendering import RenderedNotice, freeze_charges, render_notices
from regua.receivables.models import Customer, Receivable

logger = logging.getLogger(__name__)

AUTOMATIC = "automatic"
# Small groups: a crash leaves few notices uncertain, yet a commit is shared
# by enough messages to keep up with the server, and a group keeps each of the
# default 4 connections busy for 3 messages while the next one is rendered.
GROUP_SIZE = 12
# Groups a worker holds claimed at once: one on the connections, the next
# rendered and waiting behind it (see Courier.deliver).
GROUPS_IN_FLIGHT = 2
# What one worker killed with SIGKILL can leave "sending", hence uncertain:
# every notice it had claimed and not yet committed (24; one group of 25
# before the connections were K).
MOST_UNCERTAIN_PER_WORKER = GROUP_SIZE * GROUPS_IN_FLIGHT

# Set by the worker on SIGTERM: every delivery loop in the process stops after
# the messages in flight (one per connection) and hands back what it had not started.
SHUTDOWN = threading.Event()

# What an attempt writes besides the state lifecycle.outcome decides.
_RESULT_FIELDS = ["smtp_response", "accepted_recipients", "refused_recipients"]
_RENDERED_FIELDS = ["subject", "body_text", "body_html", "pdf"]


class NoticeStateError(Exception):
    """A person asked for something the notice's state does not allow (message in pt-BR)."""


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "REGUA_DELIVERY_LEASE_SECONDS", 300))


def new_worker_id(kind: str = "worker") -> str:
    return f"{kind}:{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True)
class Claimed:
    pk: int
    previous_status: str


def claim(
    worker_id: str,
    *,
    domain: str,
    limit: int | None = None,
    notice_ids: list[int] | None = None,
    now: datetime.datetime | None = None,
) -> list[Claimed]:
    """Take up to ``limit`` due notices for this worker: pending/retry → sending, atomically."""
    now = now or timezone.now()
    limit = limit or GROUP_SIZE
    due = Notice.objects.filter(status__in=lifecycle.CLAIMABLE).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    if notice_ids is not None:
        due = due.filter(pk__in=notice_ids)
    with transaction.atomic():
        # skip_locked lets PostgreSQL workers pass each other's rows by; on
        # SQLite the write lock taken at BEGIN serialises claims instead.
        candidates = list(
            due.order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "status")[:limit]
        )
        if not candidates:
            return []
        ids = [pk for pk, _ in candidates]
        taken = lifecycle.claim(ids, worker_id, lease_until=now + lease())
        if taken != len(ids):
            # Someone changed some of them between our read and our update:
            # keep only the rows the update really gave us.
            mine = set(
                Notice.objects.filter(
                    pk__in=ids, status=NoticeStatus.SENDING, claimed_by=worker_id
                ).values_list("pk", flat=True)
            )
            candidates = [(pk, status) for pk, status in candidates if pk in mine]
            ids = [pk for pk, _ in candidates]
        # Stored now, before any SMTP talk; a resent notice keeps the one it had.
        token = secrets.token_hex(6)
        Notice.objects.filter(pk__in=ids, message_id="").update(
            message_id=Concat(
                Value("<regua."),
                Cast("id", CharField()),
                Value(f".{token}@{domain}>"),
                output_field=CharField(),
            )
        )
    return [Claimed(pk, status) for pk, status in candidates]


def expire_leases(now: datetime.datetime | None = None) -> int:
    """Notices left in "sending" by a worker that stopped renewing its lease → uncertain."""
    count = lifecycle.expire(now or timezone.now())
    if count:
        logger.warning(
            "%s: o worker parou durante o envio",
            ptbr.count(count, "carta ficou incerta", "cartas ficaram incertas"),
        )
    return count


def _settled_notices(notices: list[Notice]) -> set[int]:
    """The notices of the group with a título no longer open (R1), read fresh.

    Two queries: the items by notice, then the open ones among their títulos
    by key. Joined in one, PostgreSQL would hash the whole table of títulos
    whenever the items' statistics are older than the run that wrote them.
    """
    pairs = list(
        NoticeItem.objects.filter(notice_id__in=[n.pk for n in notices]).values_list(
            "notice_id", "receivable_id"
        )
    )
    if not pairs:
        return set()
    still_open = set(
        Receivable.objects.open()
        .filter(pk__in={receivable for _, receivable in pairs})
        .values_list("pk", flat=True)
    )
    return {notice for notice, receivable in pairs if receivable not in still_open}


def _keep_rendered(notice: Notice, rendered: RenderedNotice) -> None:
    notice.subject = rendered.subject
    notice.body_text = rendered.text
    notice.body_html = rendered.html
    if rendered.pdf is not None:
        notice.pdf = rendered.pdf


@dataclass
class Batch:
    """One claimed group on its way: prepared, sent, then committed."""

    notices: list[Notice]
    previous: dict[int, str]
    ready: list[tuple[Notice, Outgoing]] = field(default_factory=list)
    # Outcomes known before any SMTP talk (no valid address, a letter that does not render).
    results: dict[int, Result] = field(default_factory=dict)
    rendered: list[Notice] = field(default_factory=list)
    discarded: int = 0
    slots: tuple[float, float] | None = None
    parcel: Parcel | None = None

    @property
    def released(self) -> list[int]:
        return self.parcel.released if self.parcel is not None else []

    def outcomes(self) -> dict[int, Result]:
        sent = self.parcel.results if self.parcel is not None else {}
        return {**self.results, **sent}


class Courier:
    """Delivers claimed groups for one worker over its K connections (or the capture).

    ``deliver`` keeps up to GROUPS_IN_FLIGHT groups claimed: while the
    connections talk through one, this thread commits the one before and
    claims and renders the next, so a connection never waits for rendering.
    """

    def __init__(
        self,
        cfg: EmailSettings,
        worker_id: str,
        stop: Callable[[], bool] | None = None,
        connections: int | None = None,
    ) -> None:
        self.cfg = cfg
        self.worker_id = worker_id
        self.stop = stop or SHUTDOWN.is_set
        self.capture = CaptureSession() if cfg.captures else None
        # Capture mode keeps messages in order in the database: one conversation is plenty.
        size = 1 if self.capture is not None else (connections or connection_count())
        self.conversations = Conversations(self._new_session, size, self.stop, SHUTDOWN.wait)
        self._senders: dict[int, Sender | MessageError] = {}
        self._renewed_at = time.monotonic()
        self.runs: set[int] = set()

    def _new_session(self) -> Session:
        return self.capture if self.capture is not None else SmtpSession(self.cfg)

    def __enter__(self) -> "Courier":
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # After an error nothing more is started: what was claimed stays
        # "sending" and becomes uncertain when its lease runs out.
        self.conversations.close(abandon=kind is not None)

    def _sender(self, branch_id: int) -> Sender:
        if branch_id not in self._senders:
            override = BranchSender.objects.filter(branch_id=branch_id).first()
            try:
                self._senders[branch_id] = sender_for(self.cfg, override)
            except MessageError as e:
                self._senders[branch_id] = e
        sender = self._senders[branch_id]
        if isinstance(sender, MessageError):
            raise sender
        return sender

    def _renew(self, ids: list[int]) -> None:
        Notice.objects.filter(
            pk__in=ids, status=NoticeStatus.SENDING, claimed_by=self.worker_id
        ).update(lease_until=timezone.now() + lease())

    def prepare(self, claimed: list[Claimed]) -> "Batch":
        """Everything before the SMTP talk, in the database's thread: R8, rendering, messages."""
        previous = {c.pk: c.previous_status for c in claimed}
        notices = list(
            Notice.objects.filter(
                pk__in=list(previous), status=NoticeStatus.SENDING, claimed_by=self.worker_id
            )
            # The range too: whether the e-mail carries boletos is the range's choice.
            .select_related("branch", "customer", "template", "delay_range")
            .order_by("pk")
        )
        batch = Batch(notices=notices, previous=previous)
        # R8 at sending: títulos paid meanwhile leave the notice; an empty one is discarded.
        rerender: set[int] = set()
        settled = _settled_notices(notices) if notices else set()
        for notice in [n for n in notices if n.pk in settled]:
            if drop_settled_items(notice, AUTOMATIC):
                rerender.add(notice.pk)
            else:
                notices.remove(notice)
                batch.discarded += 1

        # The group rendered in one pass (its títulos read once), after R8, so each
        # message shows what is still open; the amounts shown are then kept on the
        # items (R10), all in one statement.
        rendered = render_notices(
            [n for n in notices if n.pk in rerender or not n.subject or not n.body_text]
        )
        freeze_charges(r for r in rendered.values() if isinstance(r, RenderedNotice))
        now = timezone.now()
        for notice in notices:
            try:
                outcome = rendered.get(notice.pk)
                if isinstance(outcome, Exception):
                    raise outcome
                if outcome is not None:
                    _keep_rendered(notice, outcome)
                    batch.rendered.append(notice)
                batch.ready.append(
                    (notice, notice_message(notice, self._sender(notice.branch_id), now=now))
                )
            except NoRecipients as e:
                batch.results[notice.pk] = Result(
                    NoticeStatus.SKIPPED, reason="no_email", refused=e.invalid
                )
            except MessageError as e:
                batch.results[notice.pk] = Result(FAILED, reason=f"mensagem inválida: {e}")
            except Exception as e:  # a template that does not render, for one notice
                logger.exception("carta %s não pôde ser montada", notice.pk)
                batch.results[notice.pk] = Result(
                    FAILED, reason=f"a carta não pôde ser montada: {type(e).__name__}: {e}"
                )
        if batch.ready and self.cfg.rate_per_minute and not self.cfg.captures:
            start, interval = pace.reserve(len(batch.ready), self.cfg.rate_per_minute)
            wait = (start - timezone.now()).total_seconds()
            batch.slots = (time.monotonic() + max(wait, 0), interval.total_seconds())
        return batch

    def start(self, batch: "Batch") -> None:
        """Hand the batch's messages to the connections; they go out in the background."""
        batch.parcel = Parcel([(n.pk, out) for n, out in batch.ready], batch.slots)
        self.conversations.submit(batch.parcel)

    def wait(self, batch: "Batch", in_flight: Iterable["Batch"] = ()) -> None:
        """Until every message of ``batch`` is settled, renewing the leases meanwhile.

        The leases of every batch claimed and not committed (``in_flight``,
        this one included) are renewed every third of the lease: a group held
        up by a slow provider or the rate limit is never taken for a dead
        worker's.
        """
        assert batch.parcel is not None
        every = lease().total_seconds() / 3
        batches = [batch, *(b for b in in_flight if b is not batch)]
        while not batch.parcel.wait(max(0.0, self._renewed_at + every - time.monotonic())):
            self._renew([n.pk for b in batches for n in b.notices])
            self._renewed_at = time.monotonic()
        if batch.parcel.error is not None:
            raise batch.parcel.error

    def send(self, batch: "Batch") -> None:
        """The SMTP talk for one batch, over the worker's connections, until it is done."""
        self.start(batch)
        self.wait(batch)

    def commit(self, batch: "Batch") -> Counter[str]:
        tally = self._commit(
            batch.notices, batch.outcomes(), batch.released, batch.previous, batch.rendered
        )
        tally[NoticeStatus.DISCARDED] += batch.discarded
        tally["released"] += len(batch.released)
        return tally

    def deliver_group(self, claimed: list[Claimed]) -> Counter[str]:
        """Send one claimed group and commit its states together."""
        batch = self.prepare(claimed)
        self.send(batch)
        return self.commit(batch)

    def deliver(
        self,
        next_claim: Callable[[], list[Claimed]],
        max_groups: int | None = None,
        after_group: Callable[[], None] | None = None,
    ) -> Counter[str]:
        """Claimed groups one after another over the same connections, until none is left.

        Up to GROUPS_IN_FLIGHT groups are claimed at once: the oldest is on the
        connections, the next is rendered and queued behind it, so the
        connections go from one group to the next without waiting for this
        thread. Groups are committed in the order they were claimed.
        """
        tally: Counter[str] = Counter()
        in_flight: deque[Batch] = deque()
        groups = 0
        exhausted = False
        while True:
            while (
                not exhausted
                and len(in_flight) < GROUPS_IN_FLIGHT
                and not self.stop()
                and (max_groups is None or groups < max_groups)
            ):
                claimed = next_claim()
                if not claimed:
                    exhausted = True
                    break
                batch = self.prepare(claimed)
                self.start(batch)
                in_flight.append(batch)
                groups += 1
            if not in_flight:
                return tally
            waited = time.monotonic()
            self.wait(in_flight[0], in_flight)
            committed = time.monotonic()
            tally.update(self.commit(in_flight.popleft()))
            logger.debug(
                "grupo entregue: esperou %.0f ms pelas conexões, gravado em %.0f ms",
                (committed - waited) * 1000,
                (time.monotonic() - committed) * 1000,
            )
            if after_group is not None:
                after_group()

    @transaction.atomic
    def _commit(
        self,
        notices: list[Notice],
        results: dict[int, Result],
        released: list[int],
        previous: dict[int, str],
        rendered: list[Notice],
    ) -> Counter[str]:
        """Write the group's outcomes; returns how many notices ended in each state."""
        now = timezone.now()
        attempted: list[Notice] = []
        for notice in notices:
            result = results.get(notice.pk)
            if result is not None:
                _apply(notice, result, now)
                attempted.append(notice)
        # Guarded by state and worker: a row whose lease ran out is left as the sweeper made it.
        changed = lifecycle.record_outcomes(attempted, _RESULT_FIELDS, self.worker_id)
        mine = {n.pk for n in changed}
        for notice in [n for n in attempted if n.pk not in mine]:
            logger.error(
                "carta %s: o lease expirou antes do registro do resultado (%s); "
                "ela fica como está para revisão",
                notice.pk,
                notice.status,
            )
        self.runs.update(n.run_id for n in changed)
        refused_for_good: dict[int, set[str]] = {}
        for notice in changed:
            for_good = results[notice.pk].refused_for_good
            if for_good:
                refused_for_good.setdefault(notice.customer_id, set()).update(
                    a.lower() for a in for_good
                )
        written = [n for n in rendered if n.pk in mine]
        if written:
            update_instances(written, _RENDERED_FIELDS)
        _mark_invalid(refused_for_good)
        if self.capture is not None:
            sent = {n.pk for n in changed if n.status == SENT}
            CapturedEmail.objects.bulk_create(
                c for c in self.capture.take_captured(set(results)) if c.notice_id in sent
            )
        # Claimed but never started (shutdown): back as they were, the attempt not counted.
        lifecycle.release({pk: previous[pk] for pk in released if pk in previous}, self.worker_id)
        return Counter(n.status for n in changed)


def _apply(notice: Notice, result: Result, now: datetime.datetime) -> None:
    notice.smtp_response = result.response
    notice.refused_recipients = result.refused
    if result.status == SENT:
        notice.accepted_recipients = result.accepted
    lifecycle.outcome(notice, result.status, result.reason, now)


def _mark_invalid(addresses: dict[int, set[str]]) -> None:
    """R7: an address refused for good is invalid until someone edits the customer."""
    if not addresses:
        return
    for customer in Customer.objects.select_for_update().filter(pk__in=list(addresses)):
        known = {a.lower() for a in customer.invalid_emails or []}
        if not addresses[customer.pk] <= known:
            customer.invalid_emails = sorted(known | addresses[customer.pk])
            customer.save(update_fields=["invalid_emails"])


def deliver_due(
    worker_id: str,
    *,
    notice_ids: list[int] | None = None,
    stop: Callable[[], bool] | None = None,
    max_groups: int | None = None,
    cfg: EmailSettings | None = None,
    after_group: Callable[[], None] | None = None,
) -> Counter[str]:
    """Claim and deliver due notices (all, or among ``notice_ids``) until none is left.

    ``after_group`` is called after each group (a run delivered here renews its lease).
    """
    cfg = cfg or EmailSettings.load()
    tally: Counter[str] = Counter()
    if not cfg.is_ready:
        tally["not_configured"] += 1
        return tally
    stop = stop or SHUTDOWN.is_set
    domain = domain_of(cfg.from_email) if cfg.from_email else "regua.invalid"
    with Courier(cfg, worker_id, stop) as courier:
        tally.update(
            courier.deliver(
                lambda: claim(worker_id, domain=domain, notice_ids=notice_ids),
                max_groups,
                after_group,
            )
        )
    # The runs' counters (sent, failed…) follow what delivery did.
    for run in DunningRun.objects.filter(pk__in=courier.runs):
        lifecycle.refresh_run_counts(run)
    return tally


def _wait_for_other_workers(ids: list[int], alive: Callable[[], None] | None) -> None:
    """Until no notice of ``ids`` is in another worker's hands (bounded by the lease)."""
    deadline = time.monotonic() + lease().total_seconds() + 10
    while Notice.objects.filter(pk__in=ids, status=NoticeStatus.SENDING).exists():
        if time.monotonic() > deadline or SHUTDOWN.is_set():
            return
        expire_leases()
        if alive is not None:
            alive()
        SHUTDOWN.wait(0.5)


def deliver_now(notice_ids: list[int], *, alive: Callable[[], None] | None = None) -> Counter[str]:
    """Deliver these notices in this process, returning once each is settled or waiting.

    Settled: sent, failed, skipped or discarded; waiting: in retry with its
    next attempt scheduled (never sat out here), held for review, or left
    pending because e-mail is not configured yet (a worker sends it later).
    ``alive`` is called every group or so while this goes on. Returns how many
    notices ended in each state.
    """
    ids = sorted({int(pk) for pk in notice_ids})
    done: Counter[str] = Counter()
    if not ids:
        return done
    worker_id = new_worker_id("now")
    for chunk in _chunks(ids, 1000):
        tally = deliver_due(worker_id, notice_ids=chunk, after_group=alive)
        if tally["not_configured"]:
            logger.warning(
                "o envio de e-mail não está configurado: as cartas ficam pendentes "
                "(regua email configure)"
            )
            return done
        done.update(tally)
        _wait_for_other_workers(chunk, alive)
    return done


def enqueue_delivery(notice_ids: list[int]) -> None:
    """Have the workers deliver these notices once the current transaction commits."""
    ids = [int(pk) for pk in notice_ids]
    if not ids:
        return

    def enqueue() -> None:
        from regua.delivery.tasks import deliver_notices

        try:
            for chunk in _chunks(ids, 500):
                deliver_notices.enqueue(chunk)
        except Exception:
            # The worker's sweep of the outbox finds them anyway: nothing is lost.
            logger.exception("não foi possível pôr as cartas na fila; o worker as enviará")

    transaction.on_commit(enqueue)


def dispatch(
    notice_ids: list[int], how: How, *, alive: Callable[[], None] | None = None
) -> Counter[str]:
    """Hand notices a run or an approval left pending to delivery.

    "now": delivered in this process before returning (``alive`` called as it
    goes); "queue": a task for the workers once the current transaction
    commits; "workers": nothing to do, the workers' sweep of the outbox finds
    them. Returns what became of them (empty unless "now").
    """
    if how == "now":
        return deliver_now(notice_ids, alive=alive)
    if how == "queue":
        enqueue_delivery(notice_ids)
    elif how != "workers":
        raise ValueError(f"unknown delivery: {how!r}")
    return Counter()


def resend(notice: Notice, user: AbstractBaseUser | str) -> Notice:
    """Send an uncertain, failed or retrying notice again, keeping its Message-ID (audited)."""
    name = actor_name(user, "dunning.review_notices")
    with transaction.atomic():
        current = Notice.objects.select_for_update().get(pk=notice.pk)
        if current.status not in RESENDABLE:
            raise NoticeStateError(
                f"A carta {current.pk} está {current.get_status_display().lower()}: só cartas "
                "incertas, com falha ou aguardando nova tentativa podem ser reenviadas."
            )
        before = current.status
        try:
            with transaction.atomic():
                lifecycle.move(
                    current,
                    lifecycle.RESEND,
                    reason="",
                    next_attempt_at=None,
                    lease_until=None,
                    claimed_by="",
                    attempts=0,
                )
        except IntegrityError:
            raise NoticeStateError(
                f"A carta {current.pk} não pode ser reenviada: outra carta já está ativa para "
                "um dos seus títulos nesta faixa."
            ) from None
        log.record(
            name,
            "notice.resend",
            current,
            f"Carta {current.pk} reenviada (estava {before}); Message-ID {current.message_id} mantido.",
            {"status": [before, NoticeStatus.PENDING], "message_id": current.message_id},
        )
        enqueue_delivery([current.pk])
    return current


def discard(notice: Notice, user: AbstractBaseUser | str, reason: str) -> Notice:
    """Drop a notice that will not be sent (audited); its títulos become candidates again."""
    name = actor_name(user, "dunning.review_notices")
    reason = " ".join((reason or "").split())
    if not reason:
        raise NoticeStateError("Informe o motivo do descarte.")
    with transaction.atomic():
        current = Notice.objects.select_for_update().get(pk=notice.pk)
        if current.status not in DISCARDABLE:
            raise NoticeStateError(
                f"A carta {current.pk} está {current.get_status_display().lower()} e não pode "
                "ser descartada."
            )
        before = current.status
        lifecycle.move(current, lifecycle.DISCARD, reason=reason[:200], lease_until=None)
        log.record(
            name,
            "notice.discard",
            current,
            f"Carta {current.pk} descartada (estava {before}): {reason}",
            {"status": [before, NoticeStatus.DISCARDED], "reason": reason},
        )
    return current


def summary(tally: Counter[str]) -> str:
    """A line for the console: what became of the notices."""

    def count(state: str, one: str, many: str) -> str:
        n = tally[state]
        return f"{n} {one if n == 1 else many}"

    parts = [
        count(NoticeStatus.SENT, "enviada", "enviadas"),
        f"{tally[NoticeStatus.RETRY]} para nova tentativa",
        f"{tally[NoticeStatus.FAILED]} com falha",
        f"{tally[NoticeStatus.SKIPPED]} sem e-mail válido",
    ]
    if tally[NoticeStatus.DISCARDED]:
        parts.append(
            count(NoticeStatus.DISCARDED, "descartada por pagamento", "descartadas por pagamento")
        )
    return ", ".join(parts)
