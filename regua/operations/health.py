"""Whether this installation will get its work done: workers alive, work waiting.

Read by the Painel's banner, ``GET /healthz?workers=1`` and ``regua status``.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.utils import timezone

from regua.delivery import heartbeat
from regua.delivery.models import Schedule, WorkerHeartbeat
from regua.dunning.models import Notice, NoticeStatus

WAITING = (NoticeStatus.PENDING, NoticeStatus.RETRY)


@dataclass(frozen=True)
class Health:
    workers_alive: int
    worker_last_seen: datetime.datetime | None
    last_delivery_at: datetime.datetime | None
    notices_waiting: int
    notices_retry: int
    next_retry_at: datetime.datetime | None
    schedules_active: int

    @property
    def work_waiting(self) -> bool:
        return bool(self.notices_waiting or self.schedules_active)

    @property
    def unattended(self) -> bool:
        """Work waits and no worker has been seen within the threshold."""
        return self.work_waiting and not self.workers_alive

    def as_dict(self) -> dict[str, object]:
        def when(moment: datetime.datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "workers_alive": self.workers_alive,
            "worker_last_seen": when(self.worker_last_seen),
            "last_delivery_at": when(self.last_delivery_at),
            "notices_waiting": self.notices_waiting,
            "notices_retry": self.notices_retry,
            "next_retry_at": when(self.next_retry_at),
            "schedules_active": self.schedules_active,
            "work_waiting": self.work_waiting,
            "unattended": self.unattended,
        }


def check(now: datetime.datetime | None = None) -> Health:
    now = now or timezone.now()
    beats = WorkerHeartbeat.objects.aggregate(seen=Max("seen_at"))
    # Whichever process sent it (a worker's sweep, a queued task, `regua run --send`).
    sent = Notice.objects.filter(status=NoticeStatus.SENT).aggregate(last=Max("sent_at"))
    waiting = Notice.objects.filter(status__in=WAITING)
    retry = Notice.objects.filter(status=NoticeStatus.RETRY).aggregate(
        count=Count("id"), next=Min("next_attempt_at")
    )
    return Health(
        workers_alive=heartbeat.alive(now).count(),
        worker_last_seen=beats["seen"],
        last_delivery_at=sent["last"],
        notices_waiting=waiting.count(),
        notices_retry=retry["count"],
        next_retry_at=retry["next"],
        schedules_active=Schedule.objects.filter(active=True).count(),
    )
