"""`regua run` as other programs use it: the real console script against the test database."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from regua.dunning.models import DelayRange, DunningRun, Notice
from regua.test import make_branch, make_customer, make_range, make_receivable

D = datetime.date

# Committed data for the child processes; letters' post_migrate brings the templates
# back after each flush, and the run lock row is created on demand.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio(transactional_db):
    email = make_range(1, 15, 1, name="Aviso")
    letter = make_range(16, 30, 2, "email_and_letter", name="Carta")
    branch = make_branch("1")
    paying = make_customer("C1", billing_email="a@c1.com.br; b@c1.com.br")
    silent = make_customer("C2", email="")
    make_receivable(branch, paying, D(2026, 11, 20), "100.00", document="100", installment="1")
    make_receivable(branch, paying, D(2026, 11, 10), "80.5", document="100", installment="2")
    make_receivable(branch, silent, D(2026, 11, 27), "10.00", document="200", do_not_dun=True)
    make_receivable(branch, silent, D(2026, 11, 26), "12.00", document="201")
    return {"email": email, "letter": letter}


def test_run_json_has_the_pinned_shape(regua_cli, portfolio):
    result = regua_cli("run", "--date", "2026-11-30", "--json", "--no-wait", "--user", "ana")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # standard output holds the JSON and nothing else
    run = DunningRun.objects.get()
    c1, c2 = Notice.objects.order_by("customer__code")
    assert data == {
        "run": run.pk,
        "date": "2026-11-30",
        "dry_run": False,
        "notices": [
            {
                "id": c1.pk,
                "branch": "1",
                "customer": "C1",
                "status": "held",
                "reason": None,
                "range": {"id": portfolio["letter"].pk, "start": 16, "end": 30},
                "template": 2,
                "generation": "email_and_letter",
                "recipients": ["a@c1.com.br", "b@c1.com.br"],
                "receivables": [
                    {"branch": "1", "document": "100", "installment": "2", "days_overdue": 20,
                     "range": {"start": 16, "end": 30}, "balance": "80.50"},
                    {"branch": "1", "document": "100", "installment": "1", "days_overdue": 7,
                     "range": {"start": 1, "end": 15}, "balance": "100.00"},
                ],
                "channels": ["email"],  # an extension, after the pinned keys
            },
            {
                "id": c2.pk,
                "branch": "1",
                "customer": "C2",
                "status": "skipped",
                "reason": "no_email",
                "range": {"id": portfolio["email"].pk, "start": 1, "end": 15},
                "template": 1,
                "generation": "email",
                "recipients": [],
                "receivables": [
                    {"branch": "1", "document": "201", "installment": "1", "days_overdue": 4,
                     "range": {"start": 1, "end": 15}, "balance": "12.00"},
                ],
                "channels": ["email"],
            },
        ],
        "skipped": [
            {"branch": "1", "document": "200", "installment": "1", "customer": "C2",
             "reason": "receivable_blocked"},
        ],
    }  # fmt: skip
    assert run.user == "ana"


def test_a_dry_run_prints_null_ids_and_records_nothing(regua_cli, portfolio):
    result = regua_cli("run", "--date", "2026-11-30", "--json", "--dry-run")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["run"], data["dry_run"]) == (None, True)
    assert [(n["id"], n["customer"], n["status"]) for n in data["notices"]] == [
        (None, "C1", "held"),
        (None, "C2", "skipped"),
    ]
    assert not DunningRun.objects.exists()
    assert not Notice.objects.exists()


def test_without_no_wait_the_command_returns_once_held_notices_wait_for_review(
    regua_cli, portfolio
):
    result = regua_cli("run", "--date", "2026-11-30", "--customer", "C1", "--group", "receivable")

    assert result.returncode == 0, result.stderr
    assert "Emissão" in result.stdout and "Aguardando revisão" in result.stdout
    assert sorted(Notice.objects.values_list("status", flat=True)) == ["held", "pending"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-02-31"], "data inválida"),
        (["--customer", "NOPE"], "Cliente não encontrado: NOPE"),
    ],
)
def test_bad_arguments_exit_with_status_2_and_a_message(regua_cli, portfolio, args, message):
    result = regua_cli("run", "--json", *args)

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert not DunningRun.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", "9"], "Filial '9' não encontrada"),
        (["--collection", "ZZ"], "Cobrança não encontrada: ZZ"),
        (["--due-from", "2026-11-10", "--due-to", "2026-11-01"], "Período de vencimento invertido"),
        (
            ["--issued-from", "2026-11-10", "--issued-to", "2026-11-01"],
            "Período de emissão invertido",
        ),
    ],
)
def test_bad_filters_are_command_errors_with_status_2(portfolio, args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as raised:
        call_command("run", "--json", *args)
    assert raised.value.returncode == 2
    assert not DunningRun.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--due-from", "30/11/2026"], "data inválida"), (["--group", "branch"], "invalid choice")],
)
def test_malformed_options_are_refused_before_anything_runs(portfolio, args, message):
    # From the shell argparse exits with status 2 (see the --date case above).
    with pytest.raises(CommandError, match=message):
        call_command("run", *args)
    assert not DunningRun.objects.exists()


def test_a_run_without_active_ranges_is_a_configuration_error(portfolio):
    DelayRange.objects.update(active=False)

    with pytest.raises(CommandError, match="Nenhuma faixa de atraso ativa") as raised:
        call_command("run", "--date", "2026-11-30")

    assert raised.value.returncode == 2
