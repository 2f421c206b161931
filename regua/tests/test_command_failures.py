"""The command line under a bad date, a busy database and a full disk: a message, never a traceback.

Exit statuses (README): 2 bad arguments or configuration; 75 another operation
holds the database's write lock (try again); 74 the disk is full or failing.
Nothing is half-written in any of them.
"""

import contextlib
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from regua.dunning.models import DunningRun, Notice
from regua.test import make_branch, make_customer, make_range, make_receivable

REGUA = str(Path(sys.executable).parent / "regua")
# The documented exit statuses (README), spelled out: they are an interface.
LOCKED_STATUS, DISK_STATUS = 75, 74
LOCKED_MESSAGE = (
    "Erro: Outra operação está gravando no banco de dados neste momento e não terminou a "
    "tempo; nada foi alterado. Tente de novo em alguns instantes.\n"
)
FULL_MESSAGE = (
    "Erro: Não há espaço em disco para gravar; nada foi gravado pela metade. "
    "Libere espaço no disco e tente de novo.\n"
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def portfolio(transactional_db):
    make_range(1, 30, 1, name="Aviso")
    branch = make_branch("1")
    customer = make_customer("C1", billing_email="financeiro@c1.com.br")
    make_receivable(branch, customer, datetime.date(2026, 11, 20), "100.00", document="100")


@pytest.mark.parametrize(
    ("date", "shown"), [("9999-12-31", "31/12/9999"), ("0001-01-01", "01/01/0001")]
)
def test_a_run_date_outside_the_accepted_years_is_a_bad_argument(regua_cli, portfolio, date, shown):
    done = regua_cli("run", "--dry-run", "--date", date)

    assert done.returncode == 2
    assert f"a data {shown} está fora do intervalo aceito (01/01/1900 a 31/12/2199)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_run_while_another_process_holds_the_write_lock_says_so_with_status_75(
    regua_cli, portfolio
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows, not the database")
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        done = regua_cli("run", "--date", "2026-11-30", REGUA_SQLITE_BUSY_TIMEOUT="1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert done.returncode == LOCKED_STATUS
    assert done.stderr == LOCKED_MESSAGE
    assert (DunningRun.objects.count(), Notice.objects.count()) == (0, 0)


# --- a full disk --------------------------------------------------------------


def regua(*args: str, data: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [REGUA, *args],
        env={**env, "REGUA_DATA_DIR": str(data), "REGUA_EMAIL_CAPTURE": "0"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """A data folder with the demo's títulos, ranges and e-mail settings (SQLite)."""
    data = tmp_path_factory.mktemp("origem") / "dados"
    done = regua("demo", "--no-server", data=data)
    assert done.returncode == 0, done.stderr
    return data


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs of our own: a disk that really fills up (ENOSPC), then unmounted."""
    mountpoint = tmp_path / "disco"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mountpoint)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root (CAP_SYS_ADMIN): " + mounted.stderr.decode())
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "--lazy", str(mountpoint)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` to the last byte, then give ``leave`` bytes back."""
    filler = disk / "enchimento"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    with open(filler, "r+b") as f:
        f.truncate(max(0, filler.stat().st_size - leave))
    return filler


def snapshot(database: Path) -> tuple[object, ...]:
    # Closed at once: an open connection would keep its WAL index on the small disk.
    with contextlib.closing(sqlite3.connect(database)) as db:
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
        settings = db.execute("SELECT * FROM delivery_emailsettings").fetchall()
        runs = db.execute("SELECT count(*) FROM dunning_dunningrun").fetchone()
        notices = db.execute("SELECT count(*) FROM dunning_notice").fetchone()
    return integrity, settings, runs, notices


CONFIGURE = [
    "email",
    "configure",
    "--host",
    "smtp.exemplo.com.br",
    "--port",
    "587",
    "--username",
    "cobranca",
    "--password-stdin",
]


@pytest.mark.parametrize(
    ("args", "stdin"),
    [(CONFIGURE, "senha-do-smtp\n"), (["run", "--no-wait"], "")],
    ids=["email-configure", "run"],
)
def test_a_full_disk_gets_a_message_status_74_and_nothing_half_written(
    demo_data, small_disk, args, stdin
):
    data = small_disk / "dados"
    shutil.copytree(demo_data, data)
    before = snapshot(data / "regua.sqlite3")
    filler = fill(small_disk, leave=32 * 1024)

    done = regua(*args, data=data, stdin=stdin)

    assert done.returncode == DISK_STATUS, done.stderr
    assert done.stderr == FULL_MESSAGE
    filler.unlink()
    assert snapshot(data / "regua.sqlite3") == before
    key = data / "encryption.key"
    assert not key.exists() or len(key.read_bytes().strip()) == 44
    # With room again, the same command works on the same data.
    again = regua(*args, data=data, stdin=stdin)
    assert again.returncode == 0, again.stderr
    assert snapshot(data / "regua.sqlite3") != before
