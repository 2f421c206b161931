"""R5 across processes: two `regua run` started together never send a título twice for a range."""

import contextlib
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from regua.dunning.models import DunningLock, DunningRun, NoticeItem
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 180


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def start_run(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "regua"), "run", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
    )


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def has_open(pid: int, path: str) -> bool:
    try:
        return any(
            os.path.realpath(f"/proc/{pid}/fd/{fd}") == path for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except OSError:
        return False


@contextlib.contextmanager
def gate(start_processes):
    """Hold the runs back at their recording transaction, then let both go at once.

    PostgreSQL: another session holds the "run" lock row until both runs wait on it.
    SQLite: another connection holds the write lock until both runs have the file open.
    """
    DunningLock.objects.get_or_create(name="run")
    processes: list[subprocess.Popen] = []
    sqlite = connection.settings_dict["ENGINE"].endswith("sqlite3")
    other: Any
    if sqlite:
        path = os.path.realpath(connection.settings_dict["NAME"])
        other = sqlite3.connect(path, isolation_level=None, timeout=30)
        other.execute("BEGIN IMMEDIATE")
    else:
        other = psycopg.connect(database_url())
        other.execute("SELECT name FROM dunning_dunninglock WHERE name = 'run' FOR UPDATE")
    try:
        processes = start_processes()
        if sqlite:
            wait_until(
                lambda: all(has_open(p.pid, path) for p in processes),
                "both runs to open the database",
            )
            time.sleep(1)  # a moment to reach BEGIN IMMEDIATE; nothing is asserted on timing
            other.execute("COMMIT")
        else:
            wait_until(lambda: waiting_for_locks(other.info.backend_pid) >= 2, "both runs to wait")
            other.commit()
        other.close()
        yield processes
    finally:
        other.close()
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=TIMEOUT)


def waiting_for_locks(except_pid: int) -> int:
    with psycopg.connect(database_url(), autocommit=True) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> %s",
            [except_pid],
        ).fetchone()
    return int(row[0]) if row else 0


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"regua run did not finish in {TIMEOUT}s: {err}")
    return process.returncode, out, err


@pytest.mark.parametrize("group", ["customer", "receivable"])
def test_two_runs_started_together_send_each_titulo_once(group):
    make_range(1, 15, 1)
    make_range(16, 30, 2)
    branches = [make_branch("1"), make_branch("2")]
    titulos = 0
    for n in range(40):
        customer = make_customer(f"C{n:02}")
        for day in (3, 20):
            make_receivable(
                branches[n % 2],
                customer,
                datetime.date(2026, 11, 30) - datetime.timedelta(days=day),
            )
            titulos += 1

    args = ("--date", "2026-11-30", "--no-wait", "--json", "--group", group)
    with gate(lambda: [start_run(*args, "--user", name) for name in ("ana", "bruno")]) as processes:
        results = [finish(p) for p in processes]

    for code, _, err in results:
        assert code == 0, err
    outputs = [json.loads(out) for _, out, _ in results]
    sent = Counter(
        (r["branch"], r["document"], r["installment"])
        for data in outputs
        for notice in data["notices"]
        for r in notice["receivables"]
    )
    assert len(sent) == titulos
    assert set(sent.values()) == {1}
    # The runs took turns: what the first recorded, the second saw as already sent.
    assert sorted(len(d["skipped"]) for d in outputs) == [0, titulos]
    assert {s["reason"] for d in outputs for s in d["skipped"]} == {"already_sent"}
    assert DunningRun.objects.count() == 2
    per_key = Counter(
        NoticeItem.objects.filter(blocks=True).values_list("receivable_id", "range_start")
    )
    assert len(per_key) == titulos and set(per_key.values()) == {1}
