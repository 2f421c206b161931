"""`regua serve`: pages, API and static files served, the worker delivering, a dead child
restarted, and SIGTERM stopping everything with no notice left "sending"."""

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction

from regua.delivery.tests.builders import make_notices, use_server
from regua.delivery.tests.smtpserver import SmtpServer
from regua.delivery.tests.test_worker_crash import REGUA, ROOT, child_env, wait_until
from regua.dunning.models import Notice
from regua.receivables.models import Customer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Serve:
    """A `regua serve` child whose JSON log lines are collected as they come."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [REGUA, "serve", "--bind", f"127.0.0.1:{self.port}", "--log-json", *args],
            env=env or child_env(),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def events(self, name: str, child: str | None = None) -> list[dict]:
        found = []
        for line in list(self.lines):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("event") == name and (child is None or entry.get("child") == child):
                found.append(entry)
        return found

    def log(self) -> str:
        return "\n".join(self.lines)

    def stop(self, timeout: float = 120) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        return self.process.returncode


@pytest.mark.django_db(transaction=True)
def test_serve_answers_delivers_restarts_a_dead_worker_and_stops_leaving_nothing_sending(
    tmp_path,
):
    smtp = SmtpServer().start()
    serve = None
    # The ERP's folder, with a customers' export waiting: `regua serve` picks it up too.
    erp = tmp_path / "erp"
    erp.mkdir()
    export = erp / "PCCLIENT.csv"
    export.write_bytes("CODCLI;CLIENTE\n7001;MERCADO SÃO JOSÉ\n".encode("latin-1"))
    os.utime(export, (time.time() - 600, time.time() - 600))
    env = {**child_env(), "REGUA_INBOX_DIR": str(erp), "REGUA_INBOX_STABLE_SECONDS": "1"}
    try:
        use_server(smtp)
        smtp.handler.delay = 0.05  # each message takes a moment: SIGTERM lands mid-delivery
        serve = Serve("--no-migrate", env=env)
        assert wait_until(lambda: status_of(f"{serve.base}/healthz") == 200, 120), serve.log()
        assert status_of(f"{serve.base}/static/web/regua.css") == 200
        assert status_of(f"{serve.base}/entrar/") == 200
        assert status_of(f"{serve.base}/api/v1/openapi.json") == 200

        # The worker dies: the supervisor says so and starts another.
        assert wait_until(lambda: serve.events("started", "worker"), 30), serve.log()
        first = serve.events("started", "worker")[0]["child_pid"]
        os.kill(first, signal.SIGKILL)
        assert wait_until(lambda: len(serve.events("started", "worker")) == 2, 60), serve.log()
        died = serve.events("died", "worker")
        assert died[0]["child_pid"] == first and died[0]["restart_in"] == 1

        # Nobody starts anything: the worker of `regua serve` delivers.
        with transaction.atomic():
            notices = make_notices(60)
        assert wait_until(lambda: len(smtp.received) >= 5, 120), serve.log()
        assert wait_until(lambda: Customer.objects.filter(code="7001").exists(), 60), serve.log()
        assert serve.stop() == 0, serve.log()
    finally:
        if serve is not None:
            serve.stop()
        smtp.stop()

    states = Counter(
        Notice.objects.filter(pk__in=[n.pk for n in notices]).values_list("status", flat=True)
    )
    assert set(states) <= {"sent", "pending"}  # nothing left "sending"
    received = Counter(smtp.handler.message_ids())
    assert max(received.values()) == 1
    assert states["sent"] == len(received)
    assert [e["child"] for e in serve.events("stopped")] == ["web", "worker", "inbox"]
    assert (erp / "processados").is_dir() and not export.exists()
    # One JSON object per line, from every process of the tree.
    entries = [json.loads(line) for line in serve.lines if line.strip()]
    assert {e["process"] for e in entries} >= {"serve", "web", "worker", "inbox"}


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its new parent counts as exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.django_db(transaction=True)
def test_the_children_stop_when_the_supervisor_is_killed():
    serve = Serve("--no-migrate")
    try:
        assert wait_until(lambda: len(serve.events("started")) == 2, 60), serve.log()
        children = [e["child_pid"] for e in serve.events("started")]
        serve.process.kill()  # SIGKILL: no chance to stop them itself
        assert wait_until(lambda: all(gone(pid) for pid in children), 120), serve.log()
    finally:
        serve.stop()
