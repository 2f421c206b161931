"""What `regua worker --until-done` reports, and a `regua run` killed while it delivers (issue 19, 7).

The worker counts the notices it delivered through queued tasks as well as
through its sweep of the outbox. A run whose process is killed before it
finishes is marked interrupted once its lease runs out and someone takes the
run lock (the next run, or a worker's pass), and the run page says so.
"""

import datetime
import subprocess

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from regua.delivery import dispatch
from regua.delivery.models import EmailMode, EmailSettings
from regua.delivery.tests.builders import SENDER, make_notices, use_server
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env, wait_until
from regua.dunning.models import DunningRun, Notice
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_until_done_counts_the_notices_it_delivered_through_queued_tasks(regua_cli):
    EmailSettings.objects.create(pk=1, mode=EmailMode.CAPTURE, from_email=SENDER)
    notices = make_notices(30)
    dispatch([n.pk for n in notices], "queue")  # as `regua run --no-wait` leaves them

    result = regua_cli("worker", "--until-done", "--interval", "0.05")

    assert result.returncode == 0, result.stderr
    assert "Envio concluído: 30 enviadas" in result.stdout
    assert Notice.objects.filter(status="sent").count() == 30


def test_a_run_killed_while_delivering_is_shown_interrupted_once_its_lease_runs_out(
    silent_server, settings, client
):
    settings.REGUA_DELIVERY_LEASE_SECONDS = 2
    make_range(1, 30, 1)
    branch = make_branch("1")
    for n in range(3):
        customer = make_customer(f"C{n}", email=f"c{n}@cliente.com.br")
        make_receivable(branch, customer, datetime.date(2026, 11, 20), document=f"D{n}")
    use_server(silent_server)  # answers nothing: the run hangs in its first delivery
    env = {**child_env(), "DJANGO_SETTINGS_MODULE": "regua.tests.short_lease"}  # 2 s
    run = subprocess.Popen(
        [REGUA, "run", "--date", "2026-11-30", "--user", "ana"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: Notice.objects.filter(status="sending").exists())
        run.kill()  # SIGKILL: the run never finishes
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    killed = DunningRun.objects.get()
    assert (killed.finished_at, killed.interrupted_at) == (None, None)

    # The next run takes the run lock and finds the first one's lease gone.
    assert wait_until(lambda: _lease_ran_out(killed))
    later = subprocess.run(
        [REGUA, "run", "--date", "2026-11-30", "--user", "bia", "--no-wait"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert later.returncode == 0, later.stderr

    killed.refresh_from_db()
    assert killed.interrupted_at is not None and killed.finished_at is None
    assert killed.state_label == "interrompida"
    admin = User.objects.create_superuser("admin", "admin@exemplo.com.br", "x")
    client.force_login(admin)
    page = client.get(reverse("run", args=[killed.pk])).content.decode()
    assert "Emissão interrompida" in page


def _lease_ran_out(run: DunningRun) -> bool:
    from django.utils import timezone

    run.refresh_from_db()
    return run.lease_until is not None and run.lease_until < timezone.now()
