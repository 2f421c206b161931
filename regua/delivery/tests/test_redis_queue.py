"""Larger installations: notices queued through Redis (django-tasks-rq) are delivered once.

Runs against the real Redis on 127.0.0.1:6379, in a database number of the
tests' own (only that one is flushed). Without a Redis server the test is
skipped, unless REGUA_REQUIRE_REDIS is set (as `.ci/run` does).
"""

import os
import signal
import subprocess
import zlib
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction

from regua.delivery.tests.builders import make_notices, use_server
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env, wait_until
from regua.dunning.models import Notice

pytest.importorskip("django_tasks_rq")
redis = pytest.importorskip("redis")
rq_registry = pytest.importorskip("rq.registry")

QUEUE = "default"


def redis_url() -> str:
    """127.0.0.1:6379, in a database number derived from this run's test-database suffix."""
    if os.environ.get("REGUA_TEST_REDIS_URL"):
        return os.environ["REGUA_TEST_REDIS_URL"]
    number = 8 + zlib.crc32(settings.TEST_DB_SUFFIX.encode()) % 8
    return f"redis://127.0.0.1:6379/{number}"


@pytest.fixture
def redis_db():
    url = redis_url()
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REGUA_REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis não responde em {url}")
    client.flushdb()  # this database number only
    yield url, client
    client.flushdb()
    client.close()


def rq_env(url: str) -> dict[str, str]:
    return {
        **child_env(),
        "REGUA_TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "REGUA_REDIS_URL": url,
    }


def queue_through_redis(url: str, notices: list[Notice]) -> None:
    """What a run or a resend does on an RQ installation: enqueue after commit."""
    ids = [n.pk for n in notices]
    script = (
        "from django.db import transaction\n"
        "from regua.delivery import outbox\n"
        "with transaction.atomic():\n"
        f"    outbox.enqueue_delivery({ids!r})\n"
    )
    done = subprocess.run(
        [REGUA, "shell", "-c", script],
        env=rq_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "não foi possível pôr as cartas na fila" not in done.stderr


def start(args: list[str], url: str, log) -> subprocess.Popen:
    return subprocess.Popen(
        [REGUA, *args], env=rq_env(url), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def all_sent(notices: list[Notice]) -> bool:
    ids = [n.pk for n in notices]
    return Notice.objects.filter(pk__in=ids, status="sent").count() == len(ids)


def new_notices(count: int) -> list[Notice]:
    # Committed together: a worker sweeping the outbox never sees a notice without its títulos.
    with transaction.atomic():
        return make_notices(count)


@pytest.mark.django_db(transaction=True)
def test_notices_queued_through_redis_are_delivered_once_with_rqworker_and_worker_running(
    redis_db, smtp_server, tmp_path
):
    url, client = redis_db
    use_server(smtp_server)
    log_path = tmp_path / "workers.log"
    log = log_path.open("w")
    processes: list[subprocess.Popen] = []
    try:
        # The RQ job alone delivers: no outbox sweep runs yet.
        processes.append(start(["rqworker", QUEUE], url, log))
        first = new_notices(10)
        queue_through_redis(url, first)
        assert wait_until(lambda: all_sent(first), timeout=120), log_path.read_text()
        claimed = set(
            Notice.objects.filter(pk__in=[n.pk for n in first]).values_list("claimed_by", flat=True)
        )
        assert claimed and all(c.startswith("now:") for c in claimed)

        # Both at once: the RQ jobs and `regua worker`'s sweep race for the same notices.
        processes.append(start(["worker", "--interval", "0.1"], url, log))
        second = new_notices(60)
        queue_through_redis(url, second)
        assert wait_until(lambda: all_sent(second), timeout=300), log_path.read_text()
        # Every queued job finishes (none failed), even when the sweep won the notices.
        assert wait_until(
            lambda: rq_registry.FinishedJobRegistry(QUEUE, connection=client).count == 2,
            timeout=60,
        ), log_path.read_text()
        assert rq_registry.FailedJobRegistry(QUEUE, connection=client).count == 0
    finally:
        for process in processes:
            stop(process)
        log.close()

    received = Counter(smtp_server.handler.message_ids())
    assert [mid for mid, n in received.items() if n > 1] == []
    assert len(received) == len(first) + len(second)
    sent = Notice.objects.filter(pk__in=[n.pk for n in first + second], status="sent")
    assert set(sent.values_list("message_id", flat=True)) == set(received)
    assert [p.returncode for p in processes] == [0, 0], log_path.read_text()
