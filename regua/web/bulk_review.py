"""Revisão in bulk: approve or discard many held letters with one reason, in the background.

``start`` checks the permission and the reason, records the batch and queues
it (after commit) for ``regua worker``; ``work`` goes through the letters a
chunk at a time with ``regua.letters.review``'s approve and discard — the same
guarded transitions and R8 re-check as one letter at a time — and counts what
happened (approved, discarded, discarded because paid meanwhile, left as they
were because someone else got there first). The approved go to delivery.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from regua.access.permissions import User, actor_name
from regua.audit import log
from regua.delivery import dispatch
from regua.letters import review
from regua.web.models import ReviewAction, ReviewBatch

CHUNK = 25


def start(notice_ids: Iterable[int], action: str, user: User, reason: str = "") -> ReviewBatch:
    """Record a batch of these held letters and queue it; raises ReviewError for bad input."""
    name = actor_name(user, review.PERMISSION)
    ids = list(dict.fromkeys(int(i) for i in notice_ids))
    if action not in ReviewAction.values:
        raise review.ReviewError(f"Ação inválida: {action!r}.")
    reason = " ".join(reason.split())
    if action == ReviewAction.DISCARD:
        if not reason:
            raise review.ReviewError("Informe o motivo do descarte.")
        if len(reason) > review.REASON_MAX:
            raise review.ReviewError(
                f"O motivo do descarte pode ter no máximo {review.REASON_MAX} caracteres."
            )
    if not ids:
        raise review.ReviewError("Nenhuma carta selecionada.")
    with transaction.atomic():
        batch = ReviewBatch.objects.create(
            action=action, reason=reason, user=name, notice_ids=ids, total=len(ids)
        )
        log.record(
            name,
            f"review.batch.{action}",
            batch,
            f"Revisão em lote {batch.pk}: {batch.get_action_display().lower()} "
            f"{len(ids)} cartas" + (f" ({reason})" if reason else ""),
            {"notices": len(ids)},
        )
        transaction.on_commit(lambda: process_review_batch.enqueue(batch.pk))
    return batch


def work(batch_id: int) -> None:
    """Approve or discard the batch's letters, a chunk at a time, counting as it goes."""
    batch = ReviewBatch.objects.get(pk=batch_id)
    if batch.finished_at is not None:
        return
    ids = list(batch.notice_ids)
    try:
        for first in range(0, len(ids), CHUNK):
            chunk = ids[first : first + CHUNK]
            if batch.action == ReviewAction.APPROVE:
                result = review.approve(chunk, batch.user)
                dispatch(result.to_send, "queue")
                done = {"approved": F("approved") + len(result.done)}
            else:
                result = review.discard(chunk, batch.user, batch.reason)
                done = {"discarded": F("discarded") + len(result.done)}
            ReviewBatch.objects.filter(pk=batch.pk).update(
                paid=F("paid") + len(result.paid),
                refused=F("refused") + len(result.refused),
                **done,
            )
    except Exception as failure:  # the page says the batch stopped, and why
        ReviewBatch.objects.filter(pk=batch.pk).update(
            error=str(failure)[:1000], finished_at=timezone.now()
        )
        raise
    ReviewBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now())


@task()
def process_review_batch(batch_id: int) -> None:
    """Queued by ``start``; run by ``regua worker``."""
    work(batch_id)
