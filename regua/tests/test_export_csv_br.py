"""csv-br: what a Brazilian spreadsheet opens as it is; typed XLSX (history and efetividade)."""

import csv
import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from regua.dunning.effectiveness import effectiveness, export
from regua.dunning.tests.test_effectiveness import history  # noqa: F401 - shared fixture
from regua.dunning.tests.test_history import notices  # noqa: F401 - shared fixture
from regua.spreadsheets import MONEY_FORMAT, br_text

pytestmark = pytest.mark.django_db

OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def read_br(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def test_every_reason_a_notice_is_skipped_for_has_words():
    from regua.dunning.history import REASON_TEXT

    assert REASON_TEXT["no_address"] == "cliente sem endereço postal completo"
    assert REASON_TEXT["no_email"] == "cliente sem e-mail válido"


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (Decimal("1234.5"), "money", "1234,50"),
        (Decimal("-3"), "money", "-3,00"),
        (Decimal("0.6304"), "share", "63,0%"),
        (datetime.date(2026, 11, 10), "date", "10/11/2026"),
        (datetime.datetime(2026, 11, 23, 6, 0), "datetime", "23/11/2026 06:00:00"),
        ("=1+1", "text", "'=1+1"),
        (None, "money", ""),
    ],
)
def test_a_csv_br_cell_is_written_as_a_brazilian_spreadsheet_reads_it(value, kind, text):
    assert br_text(value, kind) == text


def test_the_history_in_csv_br_has_portuguese_headers_words_and_brazilian_numbers(
    notices,  # noqa: F811
    tmp_path,
):
    path = tmp_path / "historico.csv"
    call_command("history", "export", "--format", "csv-br", str(path))

    header, *rows = read_br(path)
    assert header[:4] == ["Carta", "Emissão", "Criada em", "Enviada em"]
    assert header[-1] == "Saldo"
    record = dict(zip(header, rows[-1], strict=True))
    assert record["Situação"] == "Enviada"
    assert record["Tipo de geração"] == "Email"
    assert record["Nome do cliente"] == '\'=HYPERLINK("http://x","pague")'
    assert record["Assunto"] == "'-1+1 Aviso"
    assert (record["Vencimento"], record["Saldo"], record["Criada em"]) == (
        "10/11/2026",
        "150,00",
        "23/11/2026 06:00:00",
    )
    held = dict(zip(header, rows[1], strict=True))
    assert (held["Situação"], held["Tipo de geração"]) == ("Aguardando revisão", "Email e Carta")
    skipped = dict(zip(header, rows[0], strict=True))
    assert (skipped["Situação"], skipped["Motivo"]) == ("Não enviada", "cliente sem e-mail válido")


def test_the_history_xlsx_has_typed_cells_a_frozen_header_and_fitting_widths(
    notices,  # noqa: F811
    tmp_path,
):
    path = tmp_path / "historico.xlsx"
    call_command("history", "export", "--format", "xlsx", str(path))

    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    due = sheet.cell(row=4, column=header.index("due_date") + 1)
    balance = sheet.cell(row=4, column=header.index("balance") + 1)
    assert due.value == datetime.datetime(2026, 11, 10)
    assert due.number_format == "dd/mm/yyyy"
    assert balance.value == 150
    assert balance.number_format == MONEY_FORMAT
    assert sheet.column_dimensions["H"].width >= 30  # the customer's name
    assert str(sheet.cell(row=4, column=header.index("customer_name") + 1).value).startswith("'=")


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_effectiveness_report_exports_as_csv_br_csv_and_xlsx(history, tmp_path):  # noqa: F811
    report = effectiveness(*OCTOBER)

    export(report, "csv-br", tmp_path / "e.csv")
    header, first, second, total, *reference = read_br(tmp_path / "e.csv")
    assert header[:6] == ["Código", "Faixa", "Grupo", "Cartas", "Títulos", "Saldo cobrado"]
    assert first[1:12] == [
        "Lembrete (1 a 15 dias)",
        "carta enviada",
        "2",
        "5",
        "460,00",
        "260,00",
        "290,00",
        "290,00",
        "290,00",
        "100,00",
        "63,0%",
    ]
    assert total[:3] == ["Total", "Total", "carta enviada"]
    assert [r[2] for r in reference] == ["não comparável"] * 3

    export(report, "csv", tmp_path / "p.csv")
    with (tmp_path / "p.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert (rows[0]["notified"], rows[0]["rate"], rows[0]["comparable"]) == (
        "460.00",
        "0.6304",
        "notices",
    )

    export(report, "xlsx", tmp_path / "e.xlsx")
    sheet = load_workbook(tmp_path / "e.xlsx").active
    assert sheet is not None
    assert sheet["F2"].value == 460 and sheet["F2"].number_format == MONEY_FORMAT
    assert sheet["L2"].number_format == "0.0%"


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_page_download_button_gives_csv_br(history, client):  # noqa: F811
    from django.urls import reverse

    from regua.web.tests.conftest import make_user

    client.force_login(make_user("ana", "operator"))
    page = client.get(reverse("effectiveness"), {"de": "2026-10-01", "ate": "2026-10-31"})
    assert reverse("effectiveness_export", args=["csv-br"]) in page.content.decode()
    response = client.get(
        reverse("effectiveness_export", args=["csv-br"]), {"de": "2026-10-01", "ate": "2026-10-31"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    first = body.splitlines()[1].split(";", 1)[1]  # after the range's id
    assert first.startswith("Lembrete (1 a 15 dias);carta enviada;2;5;460,00;260,00")


def soffice() -> str:
    """LibreOffice's converter; installed from Debian's libreoffice-calc-nogui when missing."""
    found = shutil.which("soffice")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("LibreOffice (soffice) não está instalado e não há como instalá-lo aqui")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "libreoffice-calc-nogui"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)
        if done.returncode:
            pytest.skip(
                "não foi possível instalar libreoffice-calc-nogui: " + done.stderr.strip()[-300:]
            )
    return shutil.which("soffice") or pytest.skip("soffice ausente mesmo após a instalação")


def test_libreoffice_opens_csv_br_with_dates_as_dates_and_amounts_as_numbers(
    notices,  # noqa: F811
    tmp_path,
):
    converter = soffice()
    path = tmp_path / "historico.csv"
    call_command("history", "export", "--format", "csv-br", str(path))
    out = tmp_path / "out"
    # The CSV filter as a Brazilian user's LibreOffice opens it: ";" (59), '"' (34),
    # UTF-8 (76), from line 1, language pt-BR (1046) for dates and decimal commas.
    done = subprocess.run(
        [
            converter,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--infilter=CSV:59,34,76,1,,1046",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(io.BytesIO((out / "historico.xlsx").read_bytes())).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[0] == "Carta"
    last = [c.value for c in sheet[4]]
    record = dict(zip(header, last, strict=True))
    assert record["Vencimento"] == datetime.datetime(2026, 11, 10)
    assert record["Saldo"] == 150
    assert isinstance(record["Saldo"], int | float)
    assert record["Situação"] == "Enviada"
