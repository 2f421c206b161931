"""`regua pause` as a clerk uses it on the server: the real console script, the test database."""

import datetime
import json

import pytest

from regua.audit.models import AuditEntry
from regua.receivables.models import Pause
from regua.test import make_branch, make_customer, make_range, make_receivable, select
from regua.web.tests.conftest import make_user

D = datetime.date

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portfolio(transactional_db):
    make_range(1, 30)
    branch = make_branch("1")
    customer = make_customer("C1")
    make_receivable(branch, customer, D(2026, 11, 20), "300.00", document="123", installment="2")
    make_receivable(branch, customer, D(2026, 11, 18), "200.00", document="124", installment="1")
    make_user("ana", "operator")
    make_user("visita", None)


def skip_reasons():
    selection = select(D(2026, 11, 30))
    return {line.document: line.reason for line in selection.candidates + selection.skipped}


def test_a_customer_paused_and_lifted_from_the_command_line(regua_cli, portfolio):
    set_it = regua_cli(
        "pause", "customer", "C1", "--until", "31/12/2030", "--reason", "acordo", "--user", "ana"
    )
    assert set_it.returncode == 0, set_it.stderr
    assert "cliente C1  até 31/12/2030  Acordo de pagamento" in set_it.stdout
    assert skip_reasons() == {"123": "customer_blocked", "124": "customer_blocked"}

    listed = regua_cli("pause", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [data] = json.loads(listed.stdout)
    pause = Pause.objects.get()
    assert {k: data[k] for k in ("id", "customer", "receivable", "until", "reason")} == {
        "id": pause.pk,
        "customer": "C1",
        "receivable": None,
        "until": "2030-12-31",
        "reason": "agreement",
    }
    assert (data["created_by"], data["in_force"], data["lifted_by"]) == ("ana", True, None)

    lifted = regua_cli("pause", "lift", "customer", "C1", "--user", "ana")
    assert lifted.returncode == 0, lifted.stderr
    assert lifted.stdout.startswith("Suspensão retirada:")
    assert skip_reasons() == {"123": None, "124": None}
    assert regua_cli("pause", "list").stdout.strip() == "Nenhuma suspensão em vigor."
    assert list(AuditEntry.objects.order_by("id").values_list("user", "action")) == [
        ("ana", "pause.set"),
        ("ana", "pause.lift"),
    ]


def test_a_titulo_paused_by_its_key_without_a_date(regua_cli, portfolio):
    result = regua_cli("pause", "receivable", "1/123/2", "--reason", "protest", "--user", "ana")
    assert result.returncode == 0, result.stderr
    assert "título 1/123/2  sem data para terminar  Cartório de protesto" in result.stdout
    assert skip_reasons() == {"123": "receivable_blocked", "124": None}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("customer", "C9", "--reason", "acordo"),
            "Cliente 'C9' não encontrado.",
        ),
        (
            ("receivable", "1/999/1", "--reason", "acordo"),
            "Título '1/999/1' não encontrado.",
        ),
        (
            ("customer", "C1", "--reason", "férias"),
            "Motivo inválido: 'férias'.",
        ),
        (
            ("customer", "C1", "--until", "31/02/2030", "--reason", "acordo"),
            "data inválida: '31/02/2030' (use dd/mm/aaaa ou AAAA-MM-DD",
        ),
        (("lift", "customer", "C1"), "Nenhuma suspensão em vigor para 'C1'."),
    ],
)
def test_bad_input_exits_2_naming_it_and_writes_nothing(regua_cli, portfolio, args, message):
    result = regua_cli("pause", *args, "--user", "ana")
    assert result.returncode == 2
    assert message in result.stderr
    assert not Pause.objects.exists()


def test_a_user_without_the_permission_cannot_pause(regua_cli, portfolio):
    result = regua_cli("pause", "customer", "C1", "--reason", "acordo", "--user", "visita")
    assert result.returncode == 2
    assert "visita" in result.stderr
    assert not Pause.objects.exists()
