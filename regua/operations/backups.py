"""Backups of a SQLite installation: one consistent file, taken while Régua runs.

SQLite's online backup API copies the database page by page under its own
locks, so web requests and workers go on meanwhile, and the copy is what the
database was at one moment. The encryption key of the e-mail password is not
in the database (``delivery.encryption``): a backup holds the password only
encrypted, and is restored with the key kept apart. PostgreSQL installations
use ``pg_dump``.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

PG_MESSAGE = (
    "O Régua está usando PostgreSQL: faça a cópia com as ferramentas do PostgreSQL, por exemplo "
    "`pg_dump --format=custom --file regua.dump NOME_DO_BANCO`, e restaure com `pg_restore`. "
    "`regua backup` e `regua restore` são para o SQLite."
)


class BackupError(Exception):
    """What went wrong, in Portuguese, naming the file."""


@dataclass(frozen=True)
class Copied:
    path: Path
    size: int
    tables: int


def database_path() -> Path:
    db = settings.DATABASES["default"]
    if not str(db["ENGINE"]).endswith("sqlite3"):
        raise BackupError(PG_MESSAGE)
    return Path(db["NAME"])


def _check(path: Path) -> int:
    """Integrity of a SQLite file that should be a Régua database; returns its table count."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            (result,) = db.execute("PRAGMA integrity_check").fetchone()
            names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} não é um banco SQLite legível: {error}") from None
    if result != "ok":
        raise BackupError(f"{path} está corrompido: {result}")
    if "django_migrations" not in names or "dunning_notice" not in names:
        raise BackupError(f"{path} não é uma cópia do banco do Régua.")
    return len(names)


def backup(target: Path) -> Copied:
    """Copy the live database to ``target`` (refused when it exists), checked afterwards."""
    source = database_path()
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} já existe: escolha outro nome (a cópia nunca sobrescreve).")
    if not target.parent.is_dir():
        raise BackupError(f"a pasta {target.parent} não existe.")
    if target == source.resolve():
        raise BackupError("a cópia não pode ser o próprio banco.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    connection.ensure_connection()
    live = connection.connection
    try:
        copy = sqlite3.connect(partial)
        try:
            # A few hundred pages at a time: writers are let in between steps.
            live.backup(copy, pages=512)
        finally:
            copy.close()
        tables = _check(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Copied(target, target.stat().st_size, tables)


def restore(source: Path) -> Copied:
    """Put a backup in place of a database that does not exist yet (an empty data folder)."""
    target = database_path()
    source = source.resolve()
    if not source.is_file():
        raise BackupError(f"{source} não existe.")
    tables = _check(source)
    if target.exists() and target.stat().st_size > 0:
        with sqlite3.connect(target) as db:
            used = db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        if used[0]:
            raise BackupError(
                f"o banco {target} já existe e tem dados: a restauração é feita numa pasta de "
                "dados vazia (REGUA_DATA_DIR apontando para uma pasta nova), nunca por cima."
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin:
            copy = sqlite3.connect(partial)
            try:
                origin.backup(copy)
            finally:
                copy.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Copied(target, target.stat().st_size, tables)


def encryption_key_present() -> bool:
    return bool(settings.REGUA_ENCRYPTION_KEY) or Path(settings.REGUA_ENCRYPTION_KEY_PATH).exists()
