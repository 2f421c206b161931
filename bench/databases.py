"""The benchmark's own databases: SQLite files in a temporary folder, and PostgreSQL
databases named ``regua_bench_*`` on the server DATABASE_URL points at.

The harness creates and drops them itself; it never touches the databases of
the tests or of an installation. Each engine migrates one template once and
clones it for every benchmark, so a benchmark starts from an empty, migrated
database without paying for the migrations again.
"""

import os
import shutil
import sqlite3
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.process import REGUA, CommandFailed, measure

PREFIX = "regua_bench"
# Each run names its databases after its own process, so two runs on one server
# (CI and a developer, say) never drop each other's.
RUN_PREFIX = f"{PREFIX}_{os.getpid()}"
MIGRATE_TIMEOUT = 600


def base_env(data_dir: Path) -> dict[str, str]:
    """The environment of every child: this one, minus anything that would send mail."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGUA_")}
    env.pop("DATABASE_URL", None)
    env["REGUA_DATA_DIR"] = str(data_dir)
    env["REGUA_EMAIL_CAPTURE"] = "0"
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("LOG_LEVEL", "ERROR")
    return env


class BenchDatabase(ABC):
    """One database a benchmark runs on; ``env`` points children at it."""

    engine: str

    def __init__(self, engine_dir: Path, name: str) -> None:
        self.engine_dir = engine_dir
        self.name = name

    @property
    @abstractmethod
    def url(self) -> str: ...

    @property
    def env(self) -> dict[str, str]:
        env = base_env(self.engine_dir)
        env["DATABASE_URL"] = self.url
        return env

    @abstractmethod
    def drop(self) -> None: ...


class Engine(ABC):
    """SQLite or PostgreSQL: migrates a template once, hands out clones of it."""

    label: str

    def __init__(self, work_dir: Path) -> None:
        self.dir = work_dir / self.label
        self.dir.mkdir(parents=True, exist_ok=True)
        self._template: BenchDatabase | None = None
        self.version = ""

    def template(self) -> BenchDatabase:
        if self._template is None:
            db = self._empty("template")
            result = measure([REGUA, "migrate", "--noinput"], db.env, timeout=MIGRATE_TIMEOUT)
            result.check()
            self._template = db
        return self._template

    def database(self, name: str) -> BenchDatabase:
        """A fresh migrated database for one benchmark."""
        return self._clone(self.template(), name)

    def snapshot(self, db: BenchDatabase, name: str) -> BenchDatabase:
        """A copy of ``db`` as it is now (no child may be connected to it)."""
        return self._clone(db, name)

    @abstractmethod
    def _empty(self, name: str) -> BenchDatabase: ...

    @abstractmethod
    def _clone(self, template: BenchDatabase, name: str) -> BenchDatabase: ...

    def close(self) -> None:
        if self._template is not None:
            self._template.drop()
            self._template = None


class SqliteDatabase(BenchDatabase):
    engine = "sqlite"

    @property
    def path(self) -> Path:
        return self.engine_dir / f"{self.name}.sqlite3"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


class SqliteEngine(Engine):
    label = "sqlite"

    def __init__(self, work_dir: Path) -> None:
        super().__init__(work_dir)
        self.version = sqlite3.sqlite_version

    def _empty(self, name: str) -> SqliteDatabase:
        db = SqliteDatabase(self.dir, name)
        db.drop()
        return db

    def _clone(self, template: BenchDatabase, name: str) -> SqliteDatabase:
        assert isinstance(template, SqliteDatabase)
        db = self._empty(name)
        # Fold the template's write-ahead log into the file, then copy the file.
        with sqlite3.connect(template.path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        shutil.copyfile(template.path, db.path)
        return db


class PostgresDatabase(BenchDatabase):
    engine = "postgresql"

    def __init__(self, engine_dir: Path, name: str, server: "PostgresEngine") -> None:
        super().__init__(engine_dir, name)
        self.server = server

    @property
    def dbname(self) -> str:
        return f"{RUN_PREFIX}_{self.name}"

    @property
    def url(self) -> str:
        return self.server.url_for(self.dbname)

    def drop(self) -> None:
        self.server.drop(self.dbname)


class PostgresEngine(Engine):
    label = "postgresql"

    def __init__(self, work_dir: Path, server_url: str) -> None:
        super().__init__(work_dir)
        parts = urlsplit(server_url)
        self._parts = parts._replace(scheme="postgres")
        with self._admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
            self.version = row[0] if row else "?"
        # Leftovers of interrupted runs on this machine: their process is gone.
        for name in self._bench_databases():
            if _owner_gone(name):
                self.drop(name)

    def url_for(self, dbname: str) -> str:
        return urlunsplit(self._parts._replace(path=f"/{dbname}"))

    def _admin(self) -> psycopg.Connection:
        # The maintenance database, so creating and dropping never needs the target.
        return psycopg.connect(self.url_for("postgres"), autocommit=True)

    def _bench_databases(self) -> list[str]:
        with self._admin() as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{PREFIX}\\_%",)
            ).fetchall()
        return [r[0] for r in rows]

    def drop(self, dbname: str) -> None:
        if not dbname.startswith(PREFIX):
            raise ValueError(f"recusado: {dbname} não é um banco dos benchmarks")
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )

    def _empty(self, name: str) -> PostgresDatabase:
        db = PostgresDatabase(self.dir, name, self)
        self.drop(db.dbname)
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.dbname)))
        return db

    def _clone(self, template: BenchDatabase, name: str) -> PostgresDatabase:
        assert isinstance(template, PostgresDatabase)
        db = PostgresDatabase(self.dir, name, self)
        self.drop(db.dbname)
        with self._admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(db.dbname), sql.Identifier(template.dbname)
                )
            )
        return db


def _owner_gone(dbname: str) -> bool:
    """Whether the run that created ``regua_bench_PID_…`` has ended."""
    parts = dbname.split("_")
    if len(parts) < 4 or not parts[2].isdigit():
        return False  # not named by this harness's rule: leave it alone
    pid = int(parts[2])
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def engines(work_dir: Path, database_url: str | None) -> list[Engine]:
    """SQLite always; PostgreSQL too when DATABASE_URL points at a server."""
    found: list[Engine] = [SqliteEngine(work_dir)]
    if database_url and database_url.split(":", 1)[0] in ("postgres", "postgresql", "pgsql"):
        found.append(PostgresEngine(work_dir, database_url))
    return found


def work_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="regua-bench-"))


__all__ = ["BenchDatabase", "CommandFailed", "Engine", "engines", "work_dir"]
