"""Each worker writes a heartbeat while it runs and says when it stops."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from regua.delivery import heartbeat
from regua.delivery.models import WorkerHeartbeat
from regua.delivery.worker import Worker

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_while_it_runs_and_is_no_longer_alive_once_stopped():
    with time_machine.travel(NOW, tick=False):
        worker = Worker(worker_id="worker:host-a:1", until_done=True)
        worker.run()
        row = WorkerHeartbeat.objects.get(worker_id="worker:host-a:1")
        assert row.seen_at == timezone.now()
        assert row.stopped_at == timezone.now()
        assert not heartbeat.alive().exists()


@pytest.mark.django_db
def test_a_worker_not_seen_for_a_few_minutes_is_taken_for_dead(settings):
    settings.REGUA_WORKER_STALE_SECONDS = 180
    with time_machine.travel(NOW, tick=False):
        heartbeat.beat("worker:host-b:2")
        assert list(heartbeat.alive().values_list("worker_id", flat=True)) == ["worker:host-b:2"]
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        assert heartbeat.alive().count() == 1
    with time_machine.travel(NOW + datetime.timedelta(minutes=4), tick=False):
        assert heartbeat.alive().count() == 0
        assert heartbeat.last_seen() == NOW
