"""Delivering a run's notices while the page shows its progress.

The page returns at once; a thread of this process delivers through
``regua.delivery.outbox.deliver_now`` (the same code the workers use), so a
run sends even where no worker runs, and the page polls the notices' states.
"""

import logging
import threading

from django.db import close_old_connections, connection, transaction

from regua.delivery.models import EmailSettings
from regua.dunning.models import DunningRun, NoticeStatus
from regua.dunning.runs import refresh_run_counts

logger = logging.getLogger("regua.web")

# Started delivery threads, so tests (and a clean shutdown) can wait for them.
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()

# States a notice leaves by itself while it is being delivered.
IN_FLIGHT = (NoticeStatus.PENDING, NoticeStatus.SENDING)


def _deliver(run_id: int | None, notice_ids: list[int]) -> None:
    from regua.delivery import outbox

    try:
        outbox.deliver_now(notice_ids)
        run = DunningRun.objects.filter(pk=run_id).first() if run_id is not None else None
        if run is not None:
            refresh_run_counts(run)
    except Exception:
        logger.exception("Falha ao entregar as cartas da emissão %s", run_id)
    finally:
        connection.close()
        close_old_connections()


def deliver_in_background(
    notice_ids: list[int], *, run: DunningRun | None = None
) -> threading.Thread | None:
    """Start delivering once the current transaction commits; returns the thread, if any.

    With ``run``, its counts are refreshed once the notices are delivered.
    """
    if not notice_ids:
        return None
    run_id = run.pk if run is not None else None
    thread = threading.Thread(
        target=_deliver, args=(run_id, list(notice_ids)), name="regua-delivery", daemon=True
    )

    def start() -> None:
        with _threads_lock:
            _threads[:] = [t for t in _threads if t.is_alive()]
            _threads.append(thread)
        thread.start()

    transaction.on_commit(start)
    return thread


def wait_for_deliveries(timeout: float = 60.0) -> bool:
    """Wait (at most ``timeout`` seconds each) for the delivery threads; True when all ended."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)
    return not any(t.is_alive() for t in threads)


def progress(run: DunningRun) -> dict[str, object]:
    """How far the run's delivery is: counts by state and whether anything is still moving."""
    by_status: dict[str, int] = {}
    for status in run.notice_set.values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    total = sum(by_status.values())
    moving = sum(by_status.get(s, 0) for s in IN_FLIGHT)
    done = total - moving
    # Without a configured server nothing moves until someone configures it:
    # the page stops polling and says so instead of waiting forever.
    stalled = moving > 0 and not EmailSettings.load().is_ready
    return {
        "total": total,
        "done": done,
        "moving": moving,
        "percent": 100 if total == 0 else round(100 * done / total),
        "finished": moving == 0,
        "stalled": stalled,
        "by_status": by_status,
    }
