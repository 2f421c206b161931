"""Automatic runs: once a day at their time, on business days, one catch-up after missed days."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from regua.audit.models import AuditEntry
from regua.delivery.models import Schedule, ScheduleExecution
from regua.delivery.schedules import (
    ScheduleError,
    add_schedule,
    is_due,
    next_run_at,
    run_due_schedules,
)
from regua.delivery.tests.builders import branch, delay_range
from regua.dunning.models import DunningRun, Notice
from regua.test import make_customer, make_receivable

pytestmark = pytest.mark.django_db

SP = ZoneInfo("America/Sao_Paulo")
WEDNESDAY = datetime.datetime(2026, 11, 25, 6, 0, tzinfo=SP)
MONDAY = datetime.date(2026, 11, 30)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SP)


@pytest.fixture
def schedule(time_machine):
    time_machine.move_to(at(MONDAY, 6, 0), tick=False)
    return add_schedule("supervisora", name="Manhã", time_of_day=datetime.time(7, 0))


@pytest.fixture(autouse=True)
def overdue_titulo():
    delay_range(1, 30)
    customer = make_customer(email="financeiro@padaria.com.br")
    return make_receivable(branch(), customer, MONDAY - datetime.timedelta(days=10))


def test_a_schedule_runs_once_at_its_time_as_user_automatic(schedule, overdue_titulo, time_machine):
    time_machine.move_to(at(MONDAY, 6, 59), tick=False)
    assert run_due_schedules() == []

    time_machine.move_to(at(MONDAY, 7, 1), tick=False)
    (execution,) = run_due_schedules(worker_id="worker-a")
    time_machine.move_to(at(MONDAY, 15, 0), tick=False)
    assert run_due_schedules(worker_id="worker-b") == []

    assert execution.date == MONDAY
    assert execution.worker == "worker-a"
    assert execution.error == ""
    run = DunningRun.objects.get()
    assert execution.run == run
    assert (run.user, run.reference_date) == ("automatic", MONDAY)
    notice = Notice.objects.get()
    assert notice.user == "automatic"
    assert notice.status == "pending"  # e-mail ranges go to the outbox


def test_the_database_lets_only_one_execution_per_schedule_and_day(schedule):
    ScheduleExecution.objects.create(schedule=schedule, date=MONDAY, worker="worker-a")

    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduleExecution.objects.create(schedule=schedule, date=MONDAY, worker="worker-b")


def test_after_missed_days_there_is_one_catch_up_run_dated_today(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    add_schedule("supervisora", name="Manhã", time_of_day=datetime.time(7, 0))
    # Workers were down from Wednesday on; they come back on Monday before 07:00.
    time_machine.move_to(at(MONDAY, 6, 0), tick=False)
    assert is_due(Schedule.objects.get())
    (execution,) = run_due_schedules()

    time_machine.move_to(at(MONDAY, 7, 30), tick=False)
    assert run_due_schedules() == []
    assert list(ScheduleExecution.objects.values_list("date", flat=True)) == [MONDAY]
    assert execution.error == ""
    assert DunningRun.objects.get().reference_date == MONDAY


def test_a_new_schedule_does_not_run_for_the_time_before_it_existed(time_machine):
    time_machine.move_to(at(MONDAY, 9, 0), tick=False)
    add_schedule("supervisora", name="Manhã", time_of_day=datetime.time(7, 0))

    assert run_due_schedules() == []
    time_machine.move_to(at(MONDAY + datetime.timedelta(days=1), 7, 0), tick=False)
    assert len(run_due_schedules()) == 1


@pytest.mark.parametrize(
    "moment",
    [
        at(datetime.date(2026, 11, 28), 8),  # Saturday
        at(datetime.date(2026, 11, 20), 8),  # Dia da Consciência Negra, a national holiday
    ],
)
def test_a_business_days_schedule_neither_runs_nor_catches_up_on_a_closed_day(moment, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 6, 0, tzinfo=SP), tick=False)
    add_schedule("supervisora", name="Manhã", time_of_day=datetime.time(7, 0))

    time_machine.move_to(moment, tick=False)

    assert run_due_schedules() == []


def test_an_every_day_schedule_runs_on_saturday(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    add_schedule(
        "supervisora", name="Sempre", time_of_day=datetime.time(7, 0), business_days_only=False
    )

    time_machine.move_to(at(datetime.date(2026, 11, 28), 8), tick=False)

    assert len(run_due_schedules()) == 1


def test_the_next_automatic_run_is_known_for_the_pages(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    add_schedule("supervisora", name="Manhã", time_of_day=datetime.time(7, 0))
    time_machine.move_to(at(datetime.date(2026, 11, 27), 8), tick=False)  # Friday, after 07:00
    run_due_schedules()

    assert next_run_at() == at(MONDAY, 7)


def test_a_schedule_with_an_unknown_branch_or_filter_is_refused():
    with pytest.raises(ScheduleError, match="Filial 'X9' não encontrada"):
        add_schedule("ana", name="A", time_of_day=datetime.time(7), filters={"branch": "X9"})
    with pytest.raises(ScheduleError, match="desconhecido"):
        add_schedule("ana", name="B", time_of_day=datetime.time(7), filters={"filial": "1"})


def test_schedules_are_added_listed_and_removed_on_the_command_line_and_audited(capsys):
    branch()
    call_command(
        "schedules", "add", "--name", "Filial 1 cedo", "--time", "06:30", "--branch", "1",
        "--group", "receivable", "--user", "supervisora",
    )  # fmt: skip
    call_command("schedules", "list")
    listed = capsys.readouterr().out
    call_command("schedules", "remove", "Filial 1 cedo", "--user", "supervisora")

    assert "Filial 1 cedo: 06:30, dias úteis, agrupamento receivable" in listed
    assert '{"branch": "1"}' in listed
    assert not Schedule.objects.exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "user"))
    assert actions == [("schedule.add", "supervisora"), ("schedule.remove", "supervisora")]


def test_managing_schedules_needs_the_permission():
    User.objects.create_user("operador")

    with pytest.raises(CommandError, match="delivery.manage_schedules"):
        call_command("schedules", "add", "--name", "X", "--time", "07:00", "--user", "operador")


def test_a_bad_time_is_explained():
    with pytest.raises(CommandError, match="use HH:MM"):
        call_command("schedules", "add", "--name", "X", "--time", "7h")
