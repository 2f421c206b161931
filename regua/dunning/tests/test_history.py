import csv
import datetime
import json
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from regua.dunning.history import neutralize
from regua.dunning.models import Notice
from regua.test import (
    make_branch,
    make_collection,
    make_customer,
    make_notice,
    make_range,
    make_receivable,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def notices():
    """Two notices to C1 (a week apart) and one to C2 whose name tries a spreadsheet formula."""
    branch = make_branch("1")
    c1 = make_customer("C1", name='=HYPERLINK("http://x","pague")')
    c2 = make_customer("C2", name="Padaria Boa Vista")
    aviso, carta = make_range(1, 15, 1), make_range(16, 30, 2, "email_and_letter")
    t1 = make_receivable(
        branch, c1, D(2026, 11, 10), "150.00", document="7001", collection=make_collection("BK")
    )
    t2 = make_receivable(branch, c2, D(2026, 11, 20), "99.90", document="7002", installment="2")
    with time_machine.travel(
        datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False
    ):
        first = make_notice(
            aviso,
            [t1],
            status="sent",
            reference_date=D(2026, 11, 23),
            recipients=["a@c1.com.br"],
            subject="-1+1 Aviso",
            smtp_response="250 OK",
        )
    with time_machine.travel(
        datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        second = make_notice(carta, [t1], status="held", user="bia")
        third = make_notice(aviso, [t2], status="skipped", reason="no_email")
    return first, second, third


def test_regua_history_json_lists_every_notice_newest_first(notices, capsys):
    first, second, third = notices

    call_command("history", "--json")

    data = json.loads(capsys.readouterr().out)
    assert [n["id"] for n in data] == [third.pk, second.pk, first.pk]
    oldest = data[-1]
    assert oldest["created_at"] == "2026-11-23T06:00:00-03:00"
    assert oldest["user"] == "ana"
    assert oldest["status"] == "sent"
    assert oldest["receivables"][0]["document"] == "7001"
    assert set(oldest) == {
        "id", "branch", "customer", "status", "reason", "range", "template", "generation",
        "recipients", "receivables", "created_at", "sent_at", "user",
        "channels", "posted_at",  # extensions: how the notice travels, when it was posted
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--customer", "C1"], [1, 0]),
        (["--customer", "C2"], [2]),
        (["--receivable", "1/7002/2"], [2]),
        (["--receivable", "1/7001/1"], [1, 0]),
        (["--receivable", "1/7001/9"], []),
    ],
)
def test_regua_history_filters_by_customer_or_titulo(notices, capsys, args, expected):
    call_command("history", "--json", *args)

    assert [n["id"] for n in json.loads(capsys.readouterr().out)] == [
        notices[i].pk for i in expected
    ]


def test_regua_history_refuses_a_malformed_titulo_key(notices):
    with pytest.raises(CommandError, match="FILIAL/DUPLICATA/PRESTAÇÃO") as raised:
        call_command("history", "--receivable", "7001")
    assert raised.value.returncode == 2


def test_regua_history_text_shows_who_when_and_the_titulos(notices, capsys):
    call_command("history", "--customer", "C1")

    out = capsys.readouterr().out
    assert f"carta {notices[0].pk}  23/11/2026 06:00  ana" in out
    assert "Enviada" in out and "Aguardando revisão" in out
    assert "1/7001/1: vencimento 10/11/2026" in out


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+5511999999999", "'+5511999999999"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Padaria", "Padaria"),
        (-2, -2),
        (None, None),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_neutralised(value, safe):
    assert neutralize(value) == safe


def test_csv_export_has_one_row_per_titulo_with_formulas_neutralised(notices, tmp_path):
    path = tmp_path / "historico.csv"

    call_command("history", "export", "--format", "csv", str(path))

    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["notice"]) for r in rows] == [n.pk for n in reversed(notices)]
    c1 = rows[-1]
    assert c1["customer_name"] == '\'=HYPERLINK("http://x","pague")'
    assert c1["subject"] == "'-1+1 Aviso"
    assert (c1["document"], c1["due_date"], c1["days_overdue"], c1["balance"]) == (
        "7001",
        "2026-11-10",
        "13",
        "150.00",
    )
    assert (c1["status"], c1["server_response"], c1["recipients"]) == (
        "sent",
        "250 OK",
        "a@c1.com.br",
    )
    assert rows[0]["reason"] == "no_email"


def test_xlsx_export_neutralises_formulas_too(notices, tmp_path):
    path = tmp_path / "historico.xlsx"

    call_command("history", "export", "--format", "xlsx", "--customer", "C1", str(path))

    sheet = load_workbook(path).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    record: dict[Any, Any] = dict(zip(header, rows[-1], strict=True))
    assert record["customer_name"] == '\'=HYPERLINK("http://x","pague")'
    assert record["balance"] == 150
    assert record["due_date"] == datetime.datetime(2026, 11, 10)


def test_winthor_export_has_the_columns_of_pchistcob_and_pchistcobi(notices, tmp_path):
    path = tmp_path / "pchistcob.csv"

    call_command("history", "export", "--format", "winthor", str(path))

    with path.open(encoding="cp1252", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    sent = next(r for r in rows if r["NUMREGCOB"] == str(notices[0].pk))
    assert {k: sent[k] for k in ("CODCLI", "CODFILIAL", "DUPLIC", "PREST", "DTVENC", "ATRASO", "VALOR", "CODCOB")} == {
        "CODCLI": "C1", "CODFILIAL": "1", "DUPLIC": "7001", "PREST": "1", "DTVENC": "10/11/2026",
        "ATRASO": "13", "VALOR": "150,00", "CODCOB": "BK",
    }  # fmt: skip
    assert (sent["DATA"], sent["HORA"], sent["USUARIO"], sent["TIPOCONTATO"]) == (
        "23/11/2026",
        "06:00:00",
        "ana",
        "E",
    )
    assert sent["OBS1"] == "Carta de cobrança modelo 1, faixa 1 a 15 dias"
    assert sent["OBS2"] == "Enviada"
    assert sent["OBS3"] == "'-1+1 Aviso"
    skipped = next(r for r in rows if r["NUMREGCOB"] == str(notices[2].pk))
    assert skipped["OBS2"] == "Não enviada: cliente sem e-mail válido"


def test_export_of_an_emptied_notice_keeps_one_row(notices, tmp_path):
    notices[1].items.all().delete()
    path = tmp_path / "h.csv"

    call_command("history", "export", "--format", "csv", "--customer", "C1", str(path))

    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["notice"], r["document"]) for r in rows] == [
        (str(notices[1].pk), ""),
        (str(notices[0].pk), "7001"),
    ]
    assert Notice.objects.count() == 3
