"""`regua import`: thin over import_file, with the audit entry, the listing and the exit code."""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command

from conftest import database_url
from regua.audit.models import AuditEntry
from regua.receivables.models import Customer, Receivable
from regua.receivables.tests.helpers import BRANCHES_CSV, DATA, load_branches, run

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_imports_and_prints_the_summary_and_ignored_columns(tmp_path, capsys):
    call_command("import", "customers", str(DATA / "winthor" / "PCCLIENT.csv"), "--user", "ana")
    out = capsys.readouterr().out
    assert "Colunas ignoradas: FANTASIA, TIPOFJ, BLOQUEIO, CODUSUR1" in out
    assert "50 linhas: 50 criados, 0 atualizados, 0 sem alteração." in out
    assert Customer.objects.count() == 50


def test_the_command_writes_one_audit_entry_with_the_counts(tmp_path):
    call_command(
        "import", "branches", write(tmp_path, "filiais.csv", BRANCHES_CSV), "--user", "ana"
    )
    entry = AuditEntry.objects.get(action="receivables.import")
    assert entry.user == "ana"
    assert entry.changes["kind"] == "branches"
    assert (entry.changes["criados"], entry.changes["ok"]) == (2, True)
    assert "Importação de filiais" in entry.description


def test_the_command_fails_listing_each_bad_row(tmp_path, capsys):
    rows = "".join(f"{n};;x@\n" for n in range(60))
    path = write(tmp_path, "clientes.csv", "code;name;email\n" + rows)
    with pytest.raises(CommandError, match="Nada foi gravado: 60 erro"):
        call_command("import", "customers", path)
    err = capsys.readouterr().err
    assert "Erro: linha 2, coluna name: campo obrigatório vazio" in err
    assert err.count("Erro: ") == 50
    assert "… e mais 10 erros." in err
    assert "Traceback" not in err
    assert not Customer.objects.exists()


def test_skip_invalid_writes_the_rejects_file(tmp_path, capsys):
    path = write(tmp_path, "clientes.csv", "code;name\n1;ANA\n2;\n")
    rejects = tmp_path / "rejeitadas.csv"
    call_command("import", "customers", path, "--skip-invalid", "--rejects", str(rejects))
    assert "1 linha rejeitada gravada em" in capsys.readouterr().out
    assert "campo obrigatório vazio" in rejects.read_text(encoding="utf-8-sig")
    assert list(Customer.objects.values_list("code", flat=True)) == ["1"]


def test_snapshot_is_refused_for_other_kinds(tmp_path):
    with pytest.raises(CommandError, match="só vale para a importação de títulos"):
        call_command(
            "import", "customers", write(tmp_path, "c.csv", "code;name\n1;A\n"), "--snapshot"
        )


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Não foi possível abrir"):
        call_command("import", "customers", str(tmp_path / "nada.csv"))


def test_a_user_without_the_import_permission_is_refused(tmp_path):
    User.objects.create_user("bia")
    with pytest.raises(CommandError, match="não tem a permissão necessária"):
        call_command(
            "import", "customers", write(tmp_path, "c.csv", "code;name\n1;A\n"), "--user", "bia"
        )
    assert not Customer.objects.exists()


def test_a_user_with_the_import_permission_may_import(tmp_path):
    user = User.objects.create_user("bia")
    user.user_permissions.add(Permission.objects.get(codename="import_data"))
    call_command(
        "import", "customers", write(tmp_path, "c.csv", "code;name\n1;A\n"), "--user", "bia"
    )
    assert AuditEntry.objects.get(action="receivables.import").user == "bia"


def test_the_real_console_script_imports_the_winthor_export(regua_cli):
    load_branches()
    run("collection-types", DATA / "winthor" / "PCCOB.csv")
    run("customers", DATA / "winthor" / "PCCLIENT.csv")

    done = regua_cli(
        "import", "receivables", str(DATA / "winthor" / "PCPREST.csv"), "--user", "ana"
    )

    assert done.returncode == 0, done.stderr
    assert "Colunas ignoradas: NUMTRANSVENDA, DTVENCORIG, CODUSUR" in done.stdout
    assert "258 linhas: 258 criados" in done.stdout
    assert Receivable.objects.count() == 258
    assert AuditEntry.objects.filter(action="receivables.import", user="ana").count() == 1
    # Not a terminal: no progress bar on stderr.
    assert done.stderr == ""


def test_the_real_console_script_exits_non_zero_on_a_bad_file(regua_cli, tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        "branch;document;installment;customer;due_date;amount\n1;A;1;C;31/02/2026;1\n",
    )
    done = regua_cli("import", "receivables", path)
    assert done.returncode == 1
    assert "Erro: linha 2, coluna branch, valor '1': filial não cadastrada" in done.stderr
    assert "Erro: linha 2, coluna due_date, valor '31/02/2026': data inexistente" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_progress_bar_is_shown_only_on_a_terminal(regua_cli, tmp_path):
    path = write(
        tmp_path, "c.csv", "code;name\n" + "".join(f"{n};CLIENTE {n}\n" for n in range(3000))
    )
    leader, follower = pty.openpty()
    # A terminal of 24 x 100 (a fresh pty has no size, and tqdm draws nothing in 0 columns).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen(
        [str(Path(sys.executable).parent / "regua"), "import", "customers", path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "DATABASE_URL": database_url()},
    )
    os.close(follower)  # the child holds the terminal now; reads end when it exits
    terminal = b""
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            terminal += chunk
        stdout, _ = child.communicate(timeout=120)
    finally:
        os.close(leader)
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0
    assert "3.000 linhas: 3.000 criados" in stdout.decode()
    assert "Importando" in terminal.decode(errors="replace")
