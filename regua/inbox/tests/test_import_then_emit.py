"""A schedule that imports, then emits: without today's file from the ERP it does not emit."""

import datetime
import io
import os
import shutil

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from regua.delivery.models import Schedule, ScheduleExecution
from regua.delivery.schedules import run_due_schedules
from regua.dunning.models import DunningRun, Notice
from regua.receivables.tests.helpers import DATA, load_branches
from regua.test import make_range

WINTHOR = DATA / "winthor"
# Monday 07/12/2026, 08:05 in São Paulo; the schedule is for 08:00.
NOW = datetime.datetime(2026, 12, 7, 11, 5, tzinfo=datetime.UTC)


def drop(folder, name, minutes_ago):
    target = folder / name
    shutil.copyfile(WINTHOR / name, target)
    moment = (NOW - datetime.timedelta(minutes=minutes_ago)).timestamp()
    os.utime(target, (moment, moment))


@pytest.fixture
def morning(tmp_path, settings):
    folder = tmp_path / "erp"
    folder.mkdir()
    settings.REGUA_INBOX_DIR = str(folder)
    load_branches()
    make_range(1, 9999)
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        out = io.StringIO()
        call_command(
            "schedules", "add", "--name", "Manhã", "--time", "08:00", "--import-first",
            "--user", "ana", stdout=out,
        )  # fmt: skip
    return folder


@pytest.mark.django_db
def test_without_todays_file_the_schedule_skips_the_emission_and_says_why(morning, client):
    with time_machine.travel(NOW, tick=False):
        [execution] = run_due_schedules(worker_id="worker:a")
        assert execution.run is None
        assert execution.error.startswith("arquivo do ERP de hoje não chegou")
        assert not DunningRun.objects.exists()
        client.force_login(User.objects.create_superuser("ana", password="x"))
        page = client.get("/").content.decode()
    assert "Agendamento Manhã não emitiu hoje: arquivo do ERP de hoje não chegou" in page


@pytest.mark.django_db
def test_with_todays_files_the_schedule_imports_then_emits(morning):
    drop(morning, "PCCLIENT.csv", minutes_ago=20)
    drop(morning, "PCPREST.csv", minutes_ago=15)
    with time_machine.travel(NOW, tick=False):
        [execution] = run_due_schedules(worker_id="worker:a")
    assert execution.error == ""
    assert execution.run is not None and execution.run.user == "automatic"
    assert Notice.objects.filter(run=execution.run).exists()  # the títulos just imported
    assert sorted(os.listdir(morning / "processados"))[0].endswith("PCCLIENT.csv")
    assert Schedule.objects.get().describe()["import_first"] is True
    assert ScheduleExecution.objects.count() == 1
