"""Régua's files are its owner's only: the data folder, the database and every file it writes."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from regua.web.tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[3]
REGUA = str(Path(sys.executable).parent / "regua")

LIST_MODES = (
    "import json, stat\n"
    "from django.conf import settings\n"
    "from django.contrib.auth.models import Group\n"
    # A write: the WAL and its index exist while this connection is open.
    "Group.objects.create(name='escrita')\n"
    "folder = settings.DATA_DIR\n"
    "print(json.dumps({str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode)\n"
    "                  for p in [folder, *folder.rglob('*')]}))\n"
)


def regua(*args: str, data: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`regua` as an operator starts it: the usual umask 022, its own SQLite data folder."""
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [REGUA, *args],
        env={**base, "REGUA_DATA_DIR": str(data), **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        umask=0o022,
    )
    assert done.returncode == 0, done.stderr
    return done


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_a_new_data_folder_and_everything_regua_writes_are_its_owners_only(tmp_path):
    data = tmp_path / "dados"
    regua("migrate", "-v0", data=data, cwd=tmp_path)

    listed = regua("shell", "-c", LIST_MODES, data=data, cwd=tmp_path).stdout
    modes = json.loads(listed.strip().splitlines()[-1])

    assert {".", "regua.sqlite3", "regua.sqlite3-wal", "regua.sqlite3-shm", "secret_key"} <= set(
        modes
    )
    assert {name: oct(m) for name, m in modes.items()} == {
        name: oct(0o700 if (data / name).is_dir() else 0o600) for name in modes
    }


def test_exports_rejected_rows_and_backups_written_by_the_command_line_are_private(tmp_path):
    data = tmp_path / "dados"
    regua("migrate", "-v0", data=data, cwd=tmp_path)
    (tmp_path / "clientes.csv").write_text("CODCLI;CLIENTE\n3001;LOJA NOVA\n;SEM CODIGO\n")

    for fmt in ("csv", "xlsx", "winthor"):
        regua("history", "export", "--format", fmt, f"historico.{fmt}", data=data, cwd=tmp_path)
    regua(
        "import",
        "customers",
        "clientes.csv",
        "--skip-invalid",
        "--rejects",
        "rejeitadas.csv",
        data=data,
        cwd=tmp_path,
    )

    regua("backup", "copia.sqlite3", data=data, cwd=tmp_path)

    written = [
        "historico.csv",
        "historico.xlsx",
        "historico.winthor",
        "rejeitadas.csv",
        "copia.sqlite3",
    ]
    assert {name: mode(tmp_path / name) for name in written} == dict.fromkeys(written, "0o600")


@pytest.mark.django_db
def test_an_uploaded_import_file_kept_for_confirmation_is_private(client, settings):
    client.force_login(make_user("sergio", "supervisor"))
    content = b"CODCLI;CLIENTE\n3001;LOJA NOVA LTDA\n"

    page = client.post(
        reverse("import"),
        {"kind": "customers", "file": SimpleUploadedFile("clientes.csv", content)},
    )

    kept = Path(settings.MEDIA_ROOT) / "imports" / page.context["token"]
    assert kept.read_bytes() == content
    assert mode(kept) == "0o600"
    assert mode(kept.parent) == "0o700"


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_warns_when_others_can_read_the_data_folder(regua_cli, tmp_path):
    open_folder = tmp_path / "aberta"
    open_folder.mkdir()
    open_folder.chmod(0o755)
    private = tmp_path / "privada"
    private.mkdir(mode=0o700)

    warned = regua_cli("check", "--deploy", REGUA_DATA_DIR=str(open_folder))
    quiet = regua_cli("check", "--deploy", REGUA_DATA_DIR=str(private))

    assert f"A pasta de dados {open_folder} pode ser lida por outros usuários" in warned.stdout + (
        warned.stderr
    )
    assert f"chmod 700 {open_folder}" in warned.stdout + warned.stderr
    assert "pasta de dados" not in quiet.stdout + quiet.stderr


def test_the_deploy_check_warns_about_a_database_file_others_can_read(tmp_path):
    data = tmp_path / "dados"
    regua("migrate", "-v0", data=data, cwd=tmp_path)
    (data / "regua.sqlite3").chmod(0o644)

    done = subprocess.run(
        [REGUA, "check", "--deploy"],
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "REGUA_DATA_DIR": str(data),
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )

    assert f"O banco de dados pode ser lido por outros usuários do servidor: {data}" in (
        done.stdout + done.stderr
    )
