"""regua backup / regua restore: a consistent copy without the key, restored only where empty."""

import io
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from regua.delivery.encryption import encrypt
from regua.delivery.models import EmailSettings
from regua.delivery.tests.builders import make_notices

KEY = "x7lJBdSp0A4sPqeJvQ8p0V8zQmB1yq0cXKzQ4o0R3xU="
PASSWORD = "s3nha-do-smtp-da-empresa"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_backup_on_postgresql_is_refused_pointing_to_pg_dump(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with pytest.raises(CommandError, match="pg_dump"):
        command("backup", str(tmp_path / "copia.sqlite3"))
    assert not (tmp_path / "copia.sqlite3").exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_data_folder_and_never_holds_the_key(
    regua_cli, tmp_path, settings
):
    if connection.vendor != "sqlite":
        pytest.skip("regua backup copies SQLite databases")
    settings.REGUA_ENCRYPTION_KEY = KEY
    make_notices(3)
    EmailSettings.objects.update_or_create(
        pk=1, defaults={"host": "smtp.exemplo.com.br", "password_encrypted": encrypt(PASSWORD)}
    )
    copy = tmp_path / "regua-2026-12-04.sqlite3"

    assert f"Cópia gravada em {copy}" in command("backup", str(copy))
    content = copy.read_bytes()
    assert KEY.encode() not in content and PASSWORD.encode() not in content
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM dunning_notice").fetchone() == (3,)
    with pytest.raises(CommandError, match="já existe"):
        command("backup", str(copy))

    # Never over a database with data (this one).
    with pytest.raises(CommandError, match="já existe e tem dados"):
        command("restore", str(copy))

    fresh = tmp_path / "nova"
    restored = regua_cli(
        "restore",
        str(copy),
        DATABASE_URL=f"sqlite:///{fresh / 'regua.sqlite3'}",
        REGUA_DATA_DIR=str(fresh),
        REGUA_ENCRYPTION_KEY="",
    )
    assert restored.returncode == 0, restored.stderr
    # The key was kept apart: the restore says where it must go.
    assert "a chave não está aqui" in restored.stderr
    assert not (fresh / "encryption.key").exists()
    with sqlite3.connect(fresh / "regua.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM dunning_notice").fetchone() == (3,)


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_regua_backup(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("regua restore puts SQLite databases back")
    bogus = tmp_path / "planilha.sqlite3"
    bogus.write_bytes(b"isto nao e um banco")
    with pytest.raises(CommandError, match="não é um banco SQLite legível"):
        command("restore", str(bogus))
