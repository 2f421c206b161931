"""`regua run` prints what it printed before: runs of a fixed portfolio against a recording.

The recording (``recorded/runs.txt``) was made from the console script before the
notice's life moved into ``regua.dunning.lifecycle``; ids depend on the database's
sequences, so they are numbered in order of appearance before comparing. To record
anew after a change that is meant to alter the output: ``REGUA_RECORD_RUNS=1 pytest
regua/dunning/tests/test_run_recorded.py`` and read the diff.
"""

import datetime
import os
import re
from pathlib import Path

import pytest

from regua.delivery.models import EmailMode, EmailSettings
from regua.test import make_branch, make_collection, make_customer, make_range, make_receivable

D = datetime.date
RECORDED = Path(__file__).parent / "recorded" / "runs.txt"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio(transactional_db):
    make_range(1, 15, 1, name="Aviso")
    make_range(16, 30, 2, "email_and_letter", name="Carta")
    make_range(31, 90, 3, "email", name="Último aviso", min_balance="50.00")
    make_range(-5, -1, 1, name="Lembrete")
    bank = make_collection("BK")
    credit = make_collection("XCRED", dunnable=False)
    one, two = make_branch("1"), make_branch("2", city="Campinas")
    paying = make_customer("C1", billing_email="a@c1.com.br; b@c1.com.br")
    silent = make_customer("C2", email="")
    refused = make_customer("C3", email="gone@c3.com.br", invalid_emails=["gone@c3.com.br"])
    paused = make_customer("C4", do_not_dun=True)
    small = make_customer("C5", name="MERCADO PEQUENO")
    late = make_customer("C6", billing_email="financeiro@c6.com.br")
    r = make_receivable
    r(one, paying, D(2026, 11, 20), "100.00", document="100", installment="1", collection=bank)
    r(one, paying, D(2026, 11, 10), "80.5", document="100", installment="2", collection=bank)
    r(one, paying, D(2026, 12, 3), "40.00", document="100", installment="3", collection=bank)
    r(two, paying, D(2026, 10, 15), "1234.56", document="300", collection=bank)
    r(one, silent, D(2026, 11, 27), "10.00", document="200", do_not_dun=True)
    r(one, silent, D(2026, 11, 26), "12.00", document="201")
    r(one, refused, D(2026, 11, 25), "99.99", document="400")
    r(one, paused, D(2026, 11, 25), "10.00", document="500")
    r(one, small, D(2026, 10, 20), "20.00", document="600")
    r(one, small, D(2026, 11, 25), "30.00", document="601", collection=credit)
    r(two, late, D(2026, 9, 30), "5000.00", document="700", paid_amount="1000.00")
    r(two, late, D(2026, 11, 1), "300.00", document="701", cancelled=True)
    r(two, late, D(2026, 11, 28), "7.77", document="702")
    EmailSettings.objects.create(pk=1, mode=EmailMode.CAPTURE, from_email="cobranca@exemplo.com.br")


RUNS = [
    ("run", "--date", "2026-11-30", "--json", "--user", "ana"),
    ("run", "--date", "2026-12-02", "--json", "--no-wait", "--user", "ana"),
    ("run", "--date", "2026-12-20", "--json", "--dry-run", "--group", "receivable"),
    ("run", "--date", "2026-12-20", "--group", "receivable", "--user", "bia"),
]


def _numbered(text: str) -> str:
    """Ids (runs, notices, ranges) replaced by their order of appearance, per kind."""
    seen: dict[tuple[str, str], int] = {}

    def number(kind: str, value: str) -> str:
        return (
            f"<{kind}{seen.setdefault((kind, value), len([k for k in seen if k[0] == kind]) + 1)}>"
        )

    text = re.sub(
        r'"range": \{"id": (\d+)', lambda m: f'"range": {{"id": {number("range", m[1])}', text
    )
    text = re.sub(r'"run": (\d+)', lambda m: f'"run": {number("run", m[1])}', text)
    text = re.sub(r'"id": (\d+)', lambda m: f'"id": {number("notice", m[1])}', text)
    text = re.sub(r"Emissão (\d+)", lambda m: f"Emissão {number('run', m[1])}", text)
    return re.sub(r"carta (\d+)", lambda m: f"carta {number('notice', m[1])}", text)


def test_runs_print_what_they_printed_before(regua_cli, portfolio):
    outputs = []
    for args in RUNS:
        result = regua_cli(*args)
        outputs.append(f"$ regua {' '.join(args)}\n[exit {result.returncode}]\n{result.stdout}")
        assert result.stderr == "", result.stderr
    text = _numbered("\n".join(outputs))

    if os.environ.get("REGUA_RECORD_RUNS"):
        RECORDED.write_text(text, encoding="utf-8")
    assert text == RECORDED.read_text(encoding="utf-8")
