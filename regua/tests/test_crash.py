"""Issue 8, crash: `regua worker` killed with SIGKILL at random moments loses nothing, doubles nothing.

Each trial puts N notices in the outbox and starts the real console script
against a real SMTP server (aiosmtpd on 127.0.0.1) that records the
Message-ID of every message it accepts. At a moment drawn from a seeded
generator — right after the k-th message reached the server, plus a few
milliseconds — the worker is killed with SIGKILL: no signal handler, no last
commit. A new worker is started, killed again if the trial says so, and the
last one runs until every notice is settled; its sweep turns what the dead
workers left in "sending" into "uncertain" once their lease runs out (two
seconds here, ``regua.tests.short_lease``).

Then every notice is counted in exactly one column: sent once (its
Message-ID at the server exactly once), uncertain (a person must look; it
may or may not have reached the server), sent twice (must be 0) or lost
(neither sent nor uncertain, or recorded as sent and absent from the
server: must be 0). The figures go to ``artifacts/reliability/crash.json``.
"""

import os
import random
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import pytest
from django.db import connection

from regua.delivery.outbox import MOST_UNCERTAIN_PER_WORKER
from regua.delivery.tests.builders import make_notices, use_server
from regua.delivery.tests.smtpserver import SmtpServer
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env
from regua.dunning.models import Notice, NoticeItem, NoticeStatus
from regua.tests import figures

SEED = int(os.environ.get("REGUA_RELIABILITY_SEED", "8"))
TIMEOUT = 600  # seconds any one phase may take on a loaded machine before the test fails
UNSETTLED = (NoticeStatus.PENDING, NoticeStatus.SENDING, NoticeStatus.RETRY)


@dataclass
class Trial:
    notices: int
    kills: int = 0
    sent_once: int = 0
    uncertain: int = 0
    uncertain_at_server: int = 0  # uncertain notices the server did receive (once)
    twice: int = 0
    lost: int = 0
    unknown_at_server: int = 0  # messages no notice of the trial claims


def worker_env() -> dict[str, str]:
    return {**child_env(), "DJANGO_SETTINGS_MODULE": "regua.tests.short_lease"}


def start_worker(log: IO[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [REGUA, "worker", "--interval", "0.1"],
        env=worker_env(),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(worker: subprocess.Popen, *, kill: bool) -> None:
    if kill:
        worker.kill()  # SIGKILL
    else:
        worker.terminate()  # SIGTERM: the worker finishes the message in flight
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=60)


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def received_or_gone(
    server: SmtpServer, target: int, worker: subprocess.Popen
) -> Callable[[], bool]:
    return lambda: len(server.received) >= target or worker.poll() is not None


def other_sessions() -> set[int]:
    """The backend ids of the other sessions on the test database (none on SQLite)."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def sendable_count(ids: list[int]) -> int:
    """Notices a new worker may still send: neither sent, uncertain nor held by a dead claim."""
    return Notice.objects.filter(
        pk__in=ids, status__in=(NoticeStatus.PENDING, NoticeStatus.RETRY)
    ).count()


def unsettled(ids: list[int]) -> int:
    return Notice.objects.filter(pk__in=ids, status__in=UNSETTLED).count()


def count(ids: list[int], received: Counter[str]) -> Trial:
    """Put each notice in exactly one column, from its state and the server's record."""
    trial = Trial(len(ids))
    known = set()
    for status, message_id in Notice.objects.filter(pk__in=ids).values_list("status", "message_id"):
        known.add(message_id)
        at_server = received.get(message_id, 0) if message_id else 0
        if at_server > 1:
            trial.twice += 1
        elif status == NoticeStatus.SENT and at_server == 1:
            trial.sent_once += 1
        elif status == NoticeStatus.UNCERTAIN:
            trial.uncertain += 1
            trial.uncertain_at_server += at_server
        else:
            trial.lost += 1
    trial.unknown_at_server = sum(n for mid, n in received.items() if mid not in known)
    return trial


def run_trial(rng: random.Random, size: int, kills: int, log_path: Path) -> Trial:
    server = SmtpServer().start()
    try:
        use_server(server)
        ids = [n.pk for n in make_notices(size)]
        # Sessions of this test process's other threads, if any, stay; the workers' go.
        before_workers = other_sessions()
        done_kills = 0
        with log_path.open("a") as log:
            for _ in range(kills):
                # What the dead worker held in "sending" will be uncertain, never
                # sent again: a kill is aimed only within what can still be sent,
                # read once its PostgreSQL session (and transaction) is gone.
                assert wait_until(lambda: other_sessions() <= before_workers), (
                    "the killed worker's session never ended"
                )
                before = len(server.received)
                sendable = sendable_count(ids)
                if sendable < 2:
                    break
                target = before + rng.randint(1, sendable - 1)
                pause = rng.uniform(0, 0.05)
                worker = start_worker(log)
                try:
                    reached = wait_until(received_or_gone(server, target, worker))
                    time.sleep(pause)  # somewhere in the group: sending, or committing it
                finally:
                    stop(worker, kill=True)
                assert reached and worker.returncode == -9, log_path.read_text()[-3000:]
                done_kills += 1
            # The last worker settles everything, the dead ones' notices included.
            worker = start_worker(log)
            try:
                settled = wait_until(lambda: unsettled(ids) == 0)
            finally:
                stop(worker, kill=False)
        assert settled, log_path.read_text()[-3000:]
        trial = count(ids, Counter(server.handler.message_ids()))
        trial.kills = done_kills
        # R5's guard follows the states: sent and uncertain both still block.
        assert not NoticeItem.objects.filter(notice_id__in=ids, blocks=False).exists()
        return trial
    finally:
        server.stop()


def crash_trials(trials: int, size: int, max_kills: int, tmp_path: Path) -> list[Trial]:
    rng = random.Random(SEED)
    results = [
        run_trial(rng, size, rng.randint(1, max_kills), tmp_path / f"worker-{n}.log")
        for n in range(1, trials + 1)
    ]
    total = Trial(sum(t.notices for t in results))
    for trial in results:
        for name, value in asdict(trial).items():
            if name != "notices":
                setattr(total, name, getattr(total, name) + value)
    figures.record(
        "crash",
        f"{trials}x{size}",
        {
            "seed": SEED,
            "trials": trials,
            "notices_per_trial": size,
            "per_trial": [asdict(t) for t in results],
            "total": asdict(total),
        },
    )
    return results


def assert_nothing_twice_nothing_lost(results: list[Trial]) -> None:
    for trial in results:
        assert trial.kills >= 1
        assert trial.twice == 0
        assert trial.lost == 0
        assert trial.unknown_at_server == 0
        assert trial.sent_once + trial.uncertain == trial.notices
        # Only what the killed worker had claimed and not committed can be left
        # uncertain: the group on its K connections and the next one, rendered
        # behind it (outbox.GROUPS_IN_FLIGHT groups of outbox.GROUP_SIZE).
        assert trial.uncertain <= MOST_UNCERTAIN_PER_WORKER * trial.kills


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_at_random_moments_sends_each_notice_once_or_leaves_it_uncertain(
    tmp_path,
):
    results = crash_trials(trials=2, size=100, max_kills=1, tmp_path=tmp_path)

    assert_nothing_twice_nothing_lost(results)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_ten_trials_of_2000_notices_with_kills_send_nothing_twice_and_lose_nothing(tmp_path):
    results = crash_trials(trials=10, size=2000, max_kills=3, tmp_path=tmp_path)

    assert_nothing_twice_nothing_lost(results)
