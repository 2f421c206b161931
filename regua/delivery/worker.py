"""`regua worker`: the django-tasks queue, the outbox sweep and the schedules, in one loop.

Each pass marks notices of dead workers uncertain, starts the schedules that
are due, runs queued tasks (with the database backend; an RQ install runs them
in `rqworker` instead) and delivers whatever is due in the outbox, so nothing
depends on a task having been queued. Delivery talks to the server over
REGUA_SMTP_CONNECTIONS connections at once while this thread renders the next
group (regua.delivery.conversations). SIGTERM stops the loop after the
messages in flight on those connections; what was claimed but not started
goes back to the outbox.
"""

import logging
import signal
import threading
import time
from collections import Counter
from types import FrameType
from typing import Any

from django.db import close_old_connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from regua.delivery import heartbeat, outbox
from regua.delivery.schedules import run_due_schedules
from regua.dunning import lifecycle
from regua.letters import review

logger = logging.getLogger(__name__)

# How many outbox groups one pass delivers before looking at tasks and schedules again.
GROUPS_PER_PASS = 50
TASKS_PER_PASS = 10
# Held letters whose PDF an idle pass builds ahead of the reviewer.
RENDER_AHEAD = 5
# Schedules are minutes apart: looking every half minute is plenty.
SCHEDULES_EVERY = 30.0

_DELIVERED = lifecycle.OUTCOMES


class TaskRunner:
    """Runs django-tasks-db's queued tasks in this process, when that is the backend."""

    def __init__(self, worker_id: str) -> None:
        from django_tasks_db.backend import DatabaseBackend

        self.backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        self.enabled = isinstance(self.backend, DatabaseBackend)
        self.worker_id = worker_id[:64]

    def run_one(self) -> Counter[str] | None:
        """Run one ready task; what its deliveries became, None when there was no task."""
        if not self.enabled:
            return None
        from django_tasks_db.management.commands.db_worker import Worker as DbWorker
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction

        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend.alias, queue_name__in=self.backend.queues
        )
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is not None:
                result.claim(self.worker_id)
        if result is None:
            return None
        # django-tasks-db's own runner records success or failure of the task.
        DbWorker(
            queue_names=list(self.backend.queues),
            interval=0,
            batch=True,
            backend_name=self.backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        ).run_task(result)
        # A delivery task returns what became of its notices: the worker counts them too.
        done = result.return_value
        if isinstance(done, dict):
            return Counter({k: v for k, v in done.items() if isinstance(v, int)})
        return Counter()


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        interval: float = 1.0,
        until_done: bool = False,
        render_ahead: int = RENDER_AHEAD,
    ) -> None:
        self.worker_id = worker_id or outbox.new_worker_id()
        self.interval = interval
        self.until_done = until_done
        self.render_ahead = render_ahead
        self.tally: Counter[str] = Counter()
        self._signals_seen = 0
        self._schedules_at = 0.0
        self._beat_at = 0.0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals_seen += 1
        if self._signals_seen > 1:
            raise SystemExit(1)
        logger.warning("%s: encerrando após as mensagens em curso", signal.strsignal(signum))
        outbox.SHUTDOWN.set()

    def _install_signals(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: dict[int, Any] = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, self._on_signal)
        return previous

    def run_pass(self, tasks: TaskRunner) -> bool:
        """One pass over leases, schedules, tasks and the outbox; True when it did something."""
        busy = False
        close_old_connections()
        if time.monotonic() >= self._beat_at:
            self._beat_at = time.monotonic() + heartbeat.EVERY
            heartbeat.beat(self.worker_id, sum(self.tally[s] for s in _DELIVERED))
        outbox.expire_leases()
        lifecycle.interrupt_abandoned_runs()
        if time.monotonic() >= self._schedules_at:
            self._schedules_at = time.monotonic() + SCHEDULES_EVERY
            if run_due_schedules(worker_id=self.worker_id):
                busy = True
        for _ in range(TASKS_PER_PASS):
            ran = None if outbox.SHUTDOWN.is_set() else tasks.run_one()
            if ran is None:
                break
            self.tally.update(ran)
            busy = True
        tally = outbox.deliver_due(self.worker_id, max_groups=GROUPS_PER_PASS)
        self.tally.update(tally)
        if any(tally[s] for s in _DELIVERED):
            busy = True
        idle = not busy and not self.until_done and not outbox.SHUTDOWN.is_set()
        if idle and self.render_ahead and review.render_ahead(self.render_ahead):
            busy = True  # idle: the held letters' PDFs, built before a reviewer opens them
        return busy

    def run(self) -> Counter[str]:
        outbox.SHUTDOWN.clear()
        previous = self._install_signals()
        tasks = TaskRunner(self.worker_id)
        logger.info("worker %s iniciado", self.worker_id)
        try:
            while not outbox.SHUTDOWN.is_set():
                busy = self.run_pass(tasks)
                if self.until_done and not busy:
                    break
                if not busy:
                    outbox.SHUTDOWN.wait(self.interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            heartbeat.stopped(self.worker_id)
            close_old_connections()
        return self.tally
