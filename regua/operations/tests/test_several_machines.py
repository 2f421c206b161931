"""Slow suite, PostgreSQL: several machines on one database.

Two `regua serve --no-worker` web processes and three `regua worker` process
groups (standing in for five hosts) share one PostgreSQL database. A schedule
fires while two people press Emitir, one on each web process, over the same
5,000 overdue títulos; a real SMTP server (aiosmtpd) receives the notices.
Nothing is sent twice, nothing is lost, the schedule runs once.
"""

import datetime
import http.cookiejar
import os
import re
import signal
import subprocess
import threading
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from regua.delivery.models import Schedule, ScheduleExecution
from regua.delivery.tests.builders import use_server
from regua.delivery.tests.smtpserver import SmtpServer
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env, wait_until
from regua.dunning.models import DunningRun, Notice, NoticeItem
from regua.operations.tests.test_serve import Serve, status_of
from regua.receivables.models import Customer, Receivable
from regua.test import make_branch, make_range

pytestmark = pytest.mark.slow

CUSTOMERS = 5000


def portfolio(today: datetime.date) -> None:
    branch = make_branch("1")
    make_range(1, 9999)
    customers = Customer.objects.bulk_create(
        Customer(code=f"C{n}", name=f"CLIENTE {n}", email=f"cliente{n}@cliente.com.br")
        for n in range(CUSTOMERS)
    )
    due = today - datetime.timedelta(days=12)
    Receivable.objects.bulk_create(
        (
            Receivable(
                branch=branch,
                customer=customer,
                document=f"D{n}",
                installment="1",
                issue_date=due - datetime.timedelta(days=30),
                due_date=due,
                amount=Decimal("150.00"),
            )
            for n, customer in enumerate(customers)
        ),
        batch_size=1000,
    )


def signed_in_session() -> str:
    user = User.objects.create_superuser("ana", "ana@exemplo.com.br", "senha-de-teste-123")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "regua.access.backends.ThrottledModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def press_emitir(base: str, session_key: str, today: datetime.date, answers: list) -> None:
    """What a person does on Emitir: open the page, confirm the run (POST)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    host = urllib.parse.urlparse(base).hostname
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, "sessionid", session_key, None, False, host or "", False, False, "/", True,
            False, None, False, None, None, {},
        )
    )  # fmt: skip
    with opener.open(f"{base}/emitir/", timeout=60) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token is not None
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "reference_date": today.isoformat(),
            "group_by": "customer",
        }
    ).encode()
    with opener.open(f"{base}/emitir/", data=form, timeout=600) as done:
        answers.append((done.status, done.geturl()))


@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_three_workers_a_schedule_and_two_emitir_send_5000_notices_once():
    if connection.vendor != "postgresql":
        pytest.skip("several machines share a PostgreSQL database")
    today = timezone.localdate()
    smtp = SmtpServer().start()
    use_server(smtp)
    portfolio(today)
    session_key = signed_in_session()
    # Due since yesterday's creation: the first worker pass starts it.
    schedule = Schedule.objects.create(
        name="Manhã", time_of_day=datetime.time(0, 0), business_days_only=False
    )
    Schedule.objects.filter(pk=schedule.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )

    webs = [Serve("--no-worker", "--no-migrate", "--workers", "2") for _ in range(2)]
    workers: list[subprocess.Popen] = []
    logs = []
    try:
        for web in webs:
            assert wait_until(lambda w=web: status_of(f"{w.base}/healthz") == 200, 180), web.log()
        answers: list = []
        presses = [
            threading.Thread(target=press_emitir, args=(web.base, session_key, today, answers))
            for web in webs
        ]
        for n in range(3):
            log = open(os.devnull, "w")  # noqa: SIM115 - closed in finally
            logs.append(log)
            workers.append(
                subprocess.Popen(
                    [REGUA, "worker", "--interval", "0.2", "--worker-id", f"host-{n}"],
                    env=child_env(),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a process group of its own: another host
                )
            )
        for press in presses:
            press.start()
        for press in presses:
            press.join(900)
        assert len(answers) == 2 and all(status == 200 for status, _ in answers), answers

        def all_delivered() -> bool:
            execution = ScheduleExecution.objects.filter(finished_at__isnull=False).exists()
            open_work = Notice.objects.filter(status__in=["pending", "sending", "retry"]).exists()
            return execution and not open_work and Notice.objects.exists()

        assert wait_until(all_delivered, 1200), [w.log()[-2000:] for w in webs]
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        for web in webs:
            web.stop()
        for log in logs:
            log.close()
        smtp.stop()

    # Each schedule once; the two Emitir and the schedule made three runs.
    assert ScheduleExecution.objects.count() == 1
    assert DunningRun.objects.filter(user="automatic").count() == 1
    assert DunningRun.objects.count() == 3
    # Every título in exactly one notice (R5), whichever run won it.
    items = NoticeItem.objects.exclude(notice__status="discarded")
    assert items.count() == CUSTOMERS
    assert items.values("receivable_id").distinct().count() == CUSTOMERS
    # Nothing twice, nothing lost.
    received = Counter(smtp.handler.message_ids())
    assert len(received) == CUSTOMERS
    assert max(received.values()) == 1
    sent = Notice.objects.filter(status="sent")
    assert sent.count() == CUSTOMERS
    assert set(sent.values_list("message_id", flat=True)) == set(received)
    assert len(set(sent.values_list("claimed_by", flat=True))) >= 2  # the hosts shared it
    assert [w.returncode for w in workers] == [0, 0, 0]
