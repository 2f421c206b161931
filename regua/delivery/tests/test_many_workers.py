"""Slow suite: three workers on PostgreSQL share the outbox without doubling a message."""

import subprocess
from collections import Counter

import pytest
from django.db import connection

from regua.delivery.tests.builders import make_notices, use_server
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env
from regua.dunning.models import Notice

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_three_workers_deliver_5000_notices_each_exactly_once(smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("several workers share the outbox on PostgreSQL")
    use_server(smtp_server)
    notices = make_notices(5000)

    workers = [
        subprocess.Popen(
            [REGUA, "worker", "--until-done", "--worker-id", f"worker-{n}"],
            env=child_env(),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    outputs = []
    try:
        for worker in workers:
            outputs.append(worker.communicate(timeout=600))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert [w.returncode for w in workers] == [0, 0, 0], outputs

    received = Counter(smtp_server.handler.message_ids())
    assert len(received) == 5000
    assert max(received.values()) == 1
    sent = Notice.objects.filter(pk__in=[n.pk for n in notices], status="sent")
    assert set(sent.values_list("message_id", flat=True)) == set(received)
    # The work really was shared.
    assert len(set(sent.values_list("claimed_by", flat=True))) >= 2
