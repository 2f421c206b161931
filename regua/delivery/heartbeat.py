"""Workers' signs of life: each worker loop writes one row every few seconds.

The Painel, ``/healthz?workers=1`` and ``regua status`` read them to say
whether anything will deliver the notices and start the schedules that wait.
"""

import datetime
import os
import socket
from collections.abc import Mapping

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from regua.delivery.models import WorkerHeartbeat

# How often a worker writes its heartbeat (seconds): a few times within the threshold.
EVERY = min(10.0, getattr(settings, "REGUA_WORKER_STALE_SECONDS", 180) / 3)
# Rows of workers gone for longer than this are deleted.
FORGET_AFTER = datetime.timedelta(days=7)


def stale_after() -> datetime.timedelta:
    """A worker not seen for this long is taken for dead (a few minutes by default)."""
    return datetime.timedelta(seconds=getattr(settings, "REGUA_WORKER_STALE_SECONDS", 180))


def beat(worker_id: str, delivered: int = 0, now: datetime.datetime | None = None) -> None:
    """Record that this worker is alive now, with how many notices it has handled."""
    now = now or timezone.now()
    rows = WorkerHeartbeat.objects.filter(worker_id=worker_id)
    if rows.update(seen_at=now, stopped_at=None):
        # The last delivery is known to the heartbeat's precision (EVERY seconds).
        rows.filter(delivered__lt=delivered).update(delivered=delivered, last_delivery_at=now)
    else:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id[:100],
            host=socket.gethostname()[:100],
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
            delivered=delivered,
            last_delivery_at=now if delivered else None,
        )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def stopped(worker_id: str, now: datetime.datetime | None = None) -> None:
    """A worker that stops cleanly says so: it is not counted alive any more."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=now or timezone.now())


def alive(now: datetime.datetime | None = None) -> QuerySet[WorkerHeartbeat]:
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(stopped_at__isnull=True, seen_at__gte=now - stale_after())


def last_seen() -> datetime.datetime | None:
    row = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return row


def handled(tally: Mapping[str, int]) -> int:
    return sum(tally.values())
