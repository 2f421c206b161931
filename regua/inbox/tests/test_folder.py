"""Pasta de importação: WinThor's exports dropped in a folder, imported safely and once."""

import datetime
import io
import json
import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from regua.inbox.folder import Inbox, InboxError
from regua.inbox.models import InboxFile
from regua.receivables.models import Customer, PaymentEvent, Receivable
from regua.receivables.tests.helpers import DATA, load_branches

NOW = datetime.datetime(2026, 12, 4, 11, 0, tzinfo=datetime.UTC)  # 08:00 in São Paulo
WINTHOR = DATA / "winthor"


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "erp"
    path.mkdir()
    with time_machine.travel(NOW, tick=False):
        yield path


def drop(folder: Path, name: str, content: bytes | Path, minutes_ago: float) -> Path:
    """A file the ERP finished writing ``minutes_ago``."""
    target = folder / name
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    else:
        target.write_bytes(content)
    moment = (NOW - datetime.timedelta(minutes=minutes_ago)).timestamp()
    os.utime(target, (moment, moment))
    return target


def inside(folder: Path, where: str) -> list[str]:
    return sorted(p.name for p in (folder / where).iterdir()) if (folder / where).exists() else []


def scan(folder: Path) -> list:
    return Inbox(folder, stable_seconds=60).scan()


@pytest.mark.django_db
def test_winthor_exports_are_imported_in_a_safe_order_and_a_broken_file_is_refused(folder):
    load_branches()
    # Títulos exported first, customers after: customers must still go in first.
    drop(folder, "PCPREST.csv", WINTHOR / "PCPREST.csv", minutes_ago=10)
    drop(folder, "PCCLIENT.csv", WINTHOR / "PCCLIENT.csv", minutes_ago=5)
    broken = "CODCLI;CLIENTE\n9001;CLIENTE BOM\n;SEM CÓDIGO\n".encode("latin-1")
    drop(folder, "PCCLIENT-extra.csv", broken, minutes_ago=2)

    outcomes = scan(folder)

    assert [(o.name, o.status) for o in outcomes] == [
        ("PCCLIENT.csv", "applied"),
        ("PCCLIENT-extra.csv", "refused"),
        ("PCPREST.csv", "applied"),
    ]
    assert Customer.objects.count() == 50
    assert not Customer.objects.filter(code="9001").exists()  # all or nothing
    assert Receivable.objects.count() == 258
    assert os.listdir(folder) == sorted(os.listdir(folder)) and set(os.listdir(folder)) == {
        "processados",
        "recusados",
    }
    assert inside(folder, "processados") == [
        "20261204-080000-PCCLIENT.csv",
        "20261204-080000-PCCLIENT.csv.relatorio.txt",
        "20261204-080000-PCPREST.csv",
        "20261204-080000-PCPREST.csv.relatorio.txt",
    ]
    report = (folder / "recusados" / "20261204-080000-PCCLIENT-extra.csv.relatorio.txt").read_text()
    assert "Situação: Recusado" in report
    assert "linha 3" in report and "campo obrigatório vazio" in report
    assert "Nada foi gravado" in report

    # The ERP drops the same export again under the same name: nothing changes.
    before = list(Receivable.objects.order_by("pk").values_list("pk", "updated_at", "settled"))
    drop(folder, "PCPREST.csv", WINTHOR / "PCPREST.csv", minutes_ago=1)
    [again] = scan(folder)
    assert again.status == "duplicate"
    assert "nada foi importado de novo" in again.summary
    assert list(Receivable.objects.order_by("pk").values_list("pk", "updated_at", "settled")) == (
        before
    )
    assert InboxFile.objects.count() == 3
    assert "PCPREST.csv" not in os.listdir(folder)


@pytest.mark.django_db
def test_a_file_still_being_written_is_left_for_the_next_scan(folder):
    load_branches()
    drop(folder, "PCCLIENT.csv", WINTHOR / "PCCLIENT.csv", minutes_ago=0.2)
    assert scan(folder) == []
    assert os.listdir(folder) == ["PCCLIENT.csv"]
    assert not InboxFile.objects.exists()


@pytest.mark.django_db
def test_titulos_waiting_for_their_customers_are_imported_once_the_customers_arrive(folder):
    load_branches()
    drop(folder, "PCPREST.csv", WINTHOR / "PCPREST.csv", minutes_ago=5)
    [waiting] = scan(folder)
    assert waiting.status == "waiting"
    assert "cliente não cadastrado" in waiting.summary
    assert os.listdir(folder) == ["PCPREST.csv"]  # stays for the next scans
    assert Receivable.objects.count() == 0

    drop(folder, "PCCLIENT.csv", WINTHOR / "PCCLIENT.csv", minutes_ago=3)
    outcomes = scan(folder)
    assert [(o.name, o.status) for o in outcomes] == [
        ("PCCLIENT.csv", "applied"),
        ("PCPREST.csv", "applied"),
    ]
    assert Receivable.objects.count() == 258
    assert InboxFile.objects.get(name="PCPREST.csv").attempts == 2


@pytest.mark.django_db
def test_titulos_whose_customers_never_arrive_are_refused_after_a_while(folder):
    load_branches()
    drop(folder, "PCPREST.csv", WINTHOR / "PCPREST.csv", minutes_ago=5)
    assert scan(folder)[0].status == "waiting"
    with time_machine.travel(NOW + datetime.timedelta(hours=7), tick=False):
        [refused] = scan(folder)
    assert refused.status == "refused"
    assert inside(folder, "recusados")[0].endswith("PCPREST.csv")


def _load_portfolio(folder: Path) -> None:
    load_branches()
    drop(folder, "PCCLIENT.csv", WINTHOR / "PCCLIENT.csv", minutes_ago=30)
    drop(folder, "PCPREST.csv", WINTHOR / "PCPREST.csv", minutes_ago=20)
    assert [o.status for o in scan(folder)] == ["applied", "applied"]


@pytest.mark.django_db
def test_a_snapshot_older_than_the_last_applied_is_refused(folder):
    _load_portfolio(folder)
    lines = (WINTHOR / "PCPREST.csv").read_bytes().splitlines(keepends=True)
    older = b"".join(lines[:-1])  # another content, exported before the one applied
    drop(folder, "PCPREST.csv", older, minutes_ago=60)
    [refused] = scan(folder)
    assert refused.status == "refused"
    assert "anterior à última aplicada" in refused.summary
    assert not Receivable.objects.filter(settled=True).exclude(paid_amount__gte=0).exists()
    assert PaymentEvent.objects.filter(kind="presumed").count() == 0


@pytest.mark.django_db
def test_a_truncated_snapshot_is_held_for_a_person_and_applied_when_confirmed(folder):
    _load_portfolio(folder)
    settled_before = Receivable.objects.filter(settled=True).count()
    lines = (WINTHOR / "PCPREST.csv").read_bytes().splitlines(keepends=True)
    drop(folder, "PCPREST.csv", b"".join(lines[:11]), minutes_ago=2)  # header + 10 títulos

    [held] = scan(folder)
    assert held.status == "held"
    assert "retida para confirmação" in held.summary and "acima do limite de 30 %" in held.summary
    assert Receivable.objects.filter(settled=True).count() == settled_before  # nothing settled
    assert inside(folder, "aguardando")[0].endswith("PCPREST.csv")

    row = InboxFile.objects.get(status="held")
    out = io.StringIO()
    call_command("inbox", "confirm", str(row.pk), "--user", "ana", stdout=out)
    assert "Importado" in out.getvalue()
    assert Receivable.objects.filter(settled=True).count() > settled_before
    assert PaymentEvent.objects.filter(kind="presumed").exists()  # baixa presumida
    assert inside(folder, "aguardando") == []


@pytest.mark.django_db
def test_inbox_status_reports_what_the_folder_did(folder, settings):
    settings.REGUA_INBOX_DIR = str(folder)
    _load_portfolio(folder)
    out = io.StringIO()
    call_command("inbox", "status", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["counts"] == {"applied": 2}
    assert [f["name"] for f in report["files"]] == ["PCPREST.csv", "PCCLIENT.csv"]
    assert report["files"][0]["kind"] == "receivables" and report["files"][0]["snapshot"]


@pytest.mark.django_db
def test_the_import_page_lists_what_the_folder_did_and_confirms_a_held_snapshot(
    folder, settings, client
):
    from django.contrib.auth.models import User

    settings.REGUA_INBOX_DIR = str(folder)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _load_portfolio(folder)
    lines = (WINTHOR / "PCPREST.csv").read_bytes().splitlines(keepends=True)
    drop(folder, "PCPREST.csv", b"".join(lines[:11]), minutes_ago=2)
    [held] = scan(folder)
    row = InboxFile.objects.get(status="held")

    client.force_login(User.objects.create_user("olga", password="x"))
    assert client.post(f"/importar/pasta/{row.pk}/confirmar/").status_code == 403

    client.force_login(User.objects.create_superuser("ana", password="x"))
    page = client.get("/importar/").content.decode()
    section = page[page.index('id="inbox"') :]
    assert str(folder) in section
    assert "PCCLIENT.csv" in section and "Importado" in section
    assert "Aguardando confirmação" in section and "Confirmar e aplicar" in section

    response = client.post(f"/importar/pasta/{row.pk}/confirmar/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "applied"


@pytest.mark.django_db
def test_a_folder_inside_the_private_data_folder_is_refused(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    inside_data = tmp_path / "erp"
    inside_data.mkdir()
    with pytest.raises(InboxError, match="dentro da pasta de dados privada"):
        Inbox(inside_data).scan()


@pytest.mark.django_db
def test_a_waiting_file_overwritten_by_a_new_export_is_no_longer_waited_for(folder):
    load_branches()
    drop(folder, "PCPREST.csv", WINTHOR / "PCPREST.csv", minutes_ago=10)
    assert scan(folder)[0].status == "waiting"
    lines = (WINTHOR / "PCPREST.csv").read_bytes().splitlines(keepends=True)
    drop(folder, "PCPREST.csv", b"".join(lines[:-1]), minutes_ago=5)  # the ERP wrote over it
    [new] = scan(folder)
    assert new.status == "waiting"
    old = InboxFile.objects.exclude(sha256=InboxFile.objects.latest("id").sha256).get()
    assert old.status == "refused"
    assert "Saiu da pasta antes de ser importado" in old.summary
