"""Issue 8, concurrency: runs that race each other never send a título twice for a range (R5).

Three races, each with real processes delivering to a real SMTP server:
two `regua run` for the same date; the worker's scheduled run against a
manual `regua run`; the web "Emitir" (a POST through Django's test client,
in a thread of this process, its notices then delivered by a worker) against
`regua run`. The dunning tests' gate
holds them at their recording transaction until both wait there, then lets
them go at once (PostgreSQL: a session holds the "run" lock row; SQLite:
a connection holds the write lock).

The suite runs on SQLite (`make test`) and again on PostgreSQL (`.ci/run`),
so each race is proven on both. Afterwards, per (título, due date, range
start) exactly one notice item is in a blocking state, the server received
exactly one message per notice sent, none twice, and each título appears in
exactly one message for its range.
"""

import datetime
import subprocess
import threading
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from regua.delivery.models import Schedule, ScheduleExecution
from regua.delivery.tests.builders import use_server
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env
from regua.delivery.worker import Worker
from regua.dunning import lifecycle
from regua.dunning.models import DunningRun, Notice, NoticeItem, NoticeStatus
from regua.dunning.runs import execute_run
from regua.dunning.tests.test_concurrent_runs import finish, gate
from regua.test import make_branch, make_customer, make_range, make_receivable
from regua.tests import figures
from regua.web.groups import OPERATOR, sync_groups

pytestmark = pytest.mark.usefixtures("seeded_templates")

DATE = datetime.date(2026, 11, 30)  # a Monday
TIMEOUT = 300


def portfolio(customers: int, reference: datetime.date) -> int:
    """Two ranges, two branches, each customer owing one título in each range.

    Due 6 and 22 days before the reference date: a due date moved by R2's
    calendar (at most a few days) stays in its range. Returns the títulos.
    """
    make_range(1, 15, 1)
    make_range(16, 45, 2)
    branches = [make_branch("1"), make_branch("2")]
    for n in range(customers):
        customer = make_customer(f"C{n:04}")
        for days in (6, 22):
            make_receivable(
                branches[n % 2], customer, reference - datetime.timedelta(days=days), "150.00"
            )
    planned = execute_run(reference, user="teste", dry_run=True).notices
    titulos = sum(len(p.lines) for p in planned)
    assert len(planned) == customers and titulos == 2 * customers
    return titulos


def start_run(date: datetime.date, user: str) -> subprocess.Popen:
    """`regua run` that delivers its own notices (no --no-wait), as a clerk runs it."""
    return subprocess.Popen(
        [REGUA, "run", "--date", date.isoformat(), "--json", "--user", user],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [REGUA, "worker", "--until-done", "--interval", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
    )


def check_each_titulo_sent_once(server: Any, titulos: int) -> dict[str, Any]:
    """The database and the server agree: each título once per range. Returns the figures."""
    blocking = Counter(
        NoticeItem.objects.filter(notice__status__in=lifecycle.BLOCKING).values_list(
            "receivable_id", "due_date", "range_start"
        )
    )
    assert len(blocking) == titulos
    assert max(blocking.values()) == 1
    # The database's own guard agrees with the states.
    assert NoticeItem.objects.filter(blocks=True).count() == titulos

    received = Counter(server.handler.message_ids())
    sent = set(Notice.objects.filter(status=NoticeStatus.SENT).values_list("message_id", flat=True))
    assert max(received.values()) == 1
    assert set(received) == sent
    at_server = Counter(
        NoticeItem.objects.filter(notice__message_id__in=list(received)).values_list(
            "receivable_id", "range_start"
        )
    )
    assert len(at_server) == titulos
    assert set(at_server.values()) == {1}
    # Nothing left behind either: every notice of the runs was delivered.
    assert set(Notice.objects.values_list("status", flat=True)) == {NoticeStatus.SENT}
    runs = (
        DunningRun.objects.order_by("pk")
        .annotate(made=Count("notice_set"))
        .values_list("user", "made")
    )
    return {
        "titulos": titulos,
        "runs": [{"user": user, "notices": made} for user, made in runs],
        "messages_at_server": sum(received.values()),
        "titulos_sent_twice": sum(1 for n in at_server.values() if n > 1),
        "message_ids_twice": sum(1 for n in received.values() if n > 1),
    }


def two_command_line_runs(server: Any, customers: int) -> dict[str, Any]:
    use_server(server)
    titulos = portfolio(customers, DATE)

    with gate(lambda: [start_run(DATE, "ana"), start_run(DATE, "bruno")]) as processes:
        results = [finish(p) for p in processes]

    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    result = check_each_titulo_sent_once(server, titulos)
    # They took turns: one run recorded every notice, the other found them already sent.
    assert sorted(r["notices"] for r in result["runs"]) == [0, customers]
    return result


def test_two_command_line_runs_started_together_send_each_titulo_once(smtp_server):
    result = two_command_line_runs(smtp_server, customers=40)

    figures.record("concurrency", "two_runs/40", result)


def a_scheduled_run_racing_a_manual_one(server: Any, customers: int) -> dict[str, Any]:
    # The worker runs its schedules for the real today: a child process cannot be time-travelled.
    today = timezone.localdate()
    use_server(server)
    titulos = portfolio(customers, today)
    schedule = Schedule.objects.create(
        name="Todo dia", time_of_day=datetime.time(0, 0), business_days_only=False
    )
    # Created before today's occurrence, so the worker finds it due now.
    Schedule.objects.filter(pk=schedule.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )

    with gate(lambda: [start_worker(), start_run(today, "ana")]) as processes:
        results = [finish(p) for p in processes]

    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    execution = ScheduleExecution.objects.get(schedule=schedule)
    assert execution.date == today and execution.run is not None and execution.error == ""
    result = check_each_titulo_sent_once(server, titulos)
    assert sorted(r["user"] for r in result["runs"]) == ["ana", "automatic"]
    assert sorted(r["notices"] for r in result["runs"]) == [0, customers]
    return result


def test_a_scheduled_run_racing_a_manual_run_sends_each_titulo_once(smtp_server):
    result = a_scheduled_run_racing_a_manual_one(smtp_server, customers=40)

    figures.record("concurrency", "schedule_vs_run/40", result)


def a_web_emitir_racing_the_command_line(server: Any, customers: int) -> dict[str, Any]:
    use_server(server)
    titulos = portfolio(customers, DATE)
    sync_groups()
    clerk = User.objects.create_user("olga")
    clerk.groups.add(Group.objects.get(name=OPERATOR))
    browser = Client()
    browser.force_login(clerk)
    responses = []

    def press_emitir() -> None:
        try:
            responses.append(
                browser.post(
                    reverse("run_new"),
                    {"reference_date": DATE.isoformat(), "group_by": "customer"},
                )
            )
        finally:
            connection.close()  # this thread's own connection

    web = threading.Thread(target=press_emitir, name="emitir")

    def start() -> list[subprocess.Popen]:
        web.start()
        return [start_run(DATE, "bruno")]

    try:
        with gate(start) as processes:
            ((code, _, err),) = [finish(p) for p in processes]
            web.join(TIMEOUT)
    finally:
        web.join(TIMEOUT)
    assert not web.is_alive()
    # The page returns at once, its notices queued: a worker delivers them.
    Worker(until_done=True, interval=0).run()

    assert code == 0, err
    (response,) = responses
    assert response.status_code == 302
    result = check_each_titulo_sent_once(server, titulos)
    assert sorted(r["user"] for r in result["runs"]) == ["bruno", "olga"]
    assert sorted(r["notices"] for r in result["runs"]) == [0, customers]
    return result


def test_a_web_emitir_racing_a_command_line_run_sends_each_titulo_once(smtp_server):
    result = a_web_emitir_racing_the_command_line(smtp_server, customers=40)

    figures.record("concurrency", "web_vs_run/40", result)


SLOW_CUSTOMERS = 500


@pytest.mark.slow
def test_two_runs_over_1000_titulos_started_together_send_each_once(smtp_server):
    result = two_command_line_runs(smtp_server, customers=SLOW_CUSTOMERS)

    figures.record("concurrency", f"two_runs/{SLOW_CUSTOMERS}", result)


@pytest.mark.slow
def test_a_scheduled_run_racing_a_manual_run_over_1000_titulos_sends_each_once(smtp_server):
    result = a_scheduled_run_racing_a_manual_one(smtp_server, customers=SLOW_CUSTOMERS)

    figures.record("concurrency", f"schedule_vs_run/{SLOW_CUSTOMERS}", result)


@pytest.mark.slow
def test_a_web_emitir_racing_a_run_over_1000_titulos_sends_each_once(smtp_server):
    result = a_web_emitir_racing_the_command_line(smtp_server, customers=SLOW_CUSTOMERS)

    figures.record("concurrency", f"web_vs_run/{SLOW_CUSTOMERS}", result)
