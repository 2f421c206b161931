"""A worker killed with SIGKILL mid-batch, then restarted: each notice sent once or uncertain."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from regua.delivery import outbox
from regua.delivery.outbox import MOST_UNCERTAIN_PER_WORKER, expire_leases
from regua.delivery.tests.builders import make_notices, use_server
from regua.dunning.models import Notice

ROOT = Path(__file__).resolve().parents[3]
REGUA = str(Path(sys.executable).parent / "regua")


def child_env() -> dict[str, str]:
    from conftest import database_url

    env = {**os.environ, "DATABASE_URL": database_url()}
    env.pop("REGUA_EMAIL_CAPTURE", None)
    return env


def wait_until(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def no_other_sessions() -> bool:
    """True when no other session is connected to the test database (always on SQLite)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_restarted_sends_nothing_twice_and_loses_nothing(
    smtp_server, tmp_path
):
    use_server(smtp_server)
    smtp_server.handler.delay = 0.01  # each message takes a moment: the kill lands mid-group
    notices = make_notices(80)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [REGUA, "worker", "--interval", "0.1"], env=child_env(), cwd=ROOT, stdout=log, stderr=log
    )
    try:
        assert wait_until(lambda: len(smtp_server.received) >= 25), "the worker never sent"
        worker.kill()  # SIGKILL: no cleanup, no last commit
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    # A COMMIT the worker sent just before it died still completes on the
    # server: count only once its session is gone.
    assert wait_until(no_other_sessions), "the killed worker's session never ended"
    in_flight = Notice.objects.filter(status="sending").count()
    # What it had claimed and not committed: the group on its connections and
    # the next one, rendered behind it.
    assert in_flight <= MOST_UNCERTAIN_PER_WORKER

    # Its leases run out; a new worker finishes the job.
    expire_leases(timezone.now() + outbox.lease())
    done = subprocess.run(
        [REGUA, "worker", "--until-done"],
        env=child_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr

    received = Counter(smtp_server.handler.message_ids())
    assert [mid for mid, n in received.items() if n > 1] == []  # none twice
    states = {n.pk: n for n in Notice.objects.filter(pk__in=[n.pk for n in notices])}
    by_status = Counter(n.status for n in states.values())
    assert set(by_status) <= {"sent", "uncertain"}  # none lost, none left behind
    assert by_status["uncertain"] == in_flight
    for notice in states.values():
        if notice.status == "sent":
            assert received[notice.message_id] == 1
    # Every message the server got belongs to a notice recorded as sent or uncertain.
    assert set(received) <= {n.message_id for n in states.values()}
    assert "Envio concluído" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_worker_after_the_message_in_flight_and_hands_back_the_rest(
    smtp_server, tmp_path
):
    use_server(smtp_server)
    smtp_server.handler.delay = 0.05
    notices = make_notices(60)
    worker = subprocess.Popen(
        [REGUA, "worker", "--interval", "0.1"],
        env=child_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(lambda: len(smtp_server.received) >= 5), "the worker never sent"
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0

    states = Counter(
        Notice.objects.filter(pk__in=[n.pk for n in notices]).values_list("status", flat=True)
    )
    assert set(states) <= {"sent", "pending"}  # nothing left in "sending"
    assert states["sent"] == len(smtp_server.received)
    assert states["pending"] > 0
    assert not Notice.objects.filter(status="pending").exclude(attempts=0).exists()
