"""R4's pauses set in Régua ("não cobrar até"): kept apart from the ERP's columns, same reasons."""

import datetime

import pytest
import time_machine

from regua.audit.models import AuditEntry
from regua.receivables import pauses
from regua.receivables.models import Pause
from regua.receivables.pauses import PauseError
from regua.receivables.tests.helpers import run as run_import
from regua.test import make_branch, make_customer, make_range, make_receivable, select

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 30)  # a Monday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def portfolio():
    make_range(1, 30)
    branch = make_branch("1")
    customer = make_customer("C1")
    first = make_receivable(branch, customer, D(2026, 11, 20), "300.00", document="A")
    second = make_receivable(branch, customer, D(2026, 11, 18), "200.00", document="B")
    return customer, first, second


def reasons(day=TODAY):
    selection = select(day)
    return {line.document: line.reason for line in selection.candidates + selection.skipped}


def test_a_paused_customer_is_skipped_as_customer_blocked_until_the_pause_is_lifted(portfolio):
    customer, _, _ = portfolio
    pause = pauses.pause_customer(customer, until=None, reason="agreement", user="ana")
    assert reasons() == {"A": "customer_blocked", "B": "customer_blocked"}
    assert pauses.lift(pause, "bruno")
    assert reasons() == {"A": None, "B": None}
    pause.refresh_from_db()
    assert (pause.lifted_by, pause.created_by) == ("bruno", "ana")


def test_a_paused_titulo_is_skipped_as_receivable_blocked_and_the_other_still_goes(portfolio):
    _, first, _ = portfolio
    pauses.pause_receivable(first, until=D(2026, 12, 15), reason="protest", user="ana")
    assert reasons() == {"A": "receivable_blocked", "B": None}


def test_a_pause_blocks_through_its_last_day_and_not_after(portfolio):
    customer, _, _ = portfolio
    pauses.pause_customer(customer, until=D(2026, 12, 2), reason="promise", user="ana")
    assert set(reasons(D(2026, 12, 2)).values()) == {"customer_blocked"}
    assert set(reasons(D(2026, 12, 3)).values()) == {None}


def test_receivable_blocked_comes_before_customer_blocked_as_r4_orders_them(portfolio):
    customer, first, _ = portfolio
    pauses.pause_customer(customer, until=None, reason="dispute", user="ana")
    pauses.pause_receivable(first, until=None, reason="protest", user="ana")
    assert reasons() == {"A": "receivable_blocked", "B": "customer_blocked"}


def test_an_import_that_clears_the_erp_block_does_not_lift_a_pause_set_in_regua(portfolio):
    customer, _, _ = portfolio
    pauses.pause_customer(customer, until=None, reason="agreement", user="ana")
    result = run_import("customers", "code;name;blocked;blocked_until;blocked_reason\nC1;ANA;;;\n")
    assert result.ok, result.errors
    customer.refresh_from_db()
    assert customer.do_not_dun is False  # the ERP's column keeps its pinned meaning
    assert Pause.objects.in_force(TODAY).filter(customer=customer).exists()
    assert set(reasons().values()) == {"customer_blocked"}


def test_the_erp_block_alone_still_blocks_with_the_same_reason(portfolio):
    customer, _, _ = portfolio
    customer.do_not_dun = True
    customer.save()
    assert set(reasons().values()) == {"customer_blocked"}


def test_a_new_pause_replaces_the_one_in_force(portfolio):
    customer, _, _ = portfolio
    old = pauses.pause_customer(customer, until=D(2026, 12, 10), reason="promise", user="ana")
    new = pauses.pause_customer(customer, until=D(2027, 1, 10), reason="agreement", user="bia")
    old.refresh_from_db()
    assert (old.lifted_by, new.lifted_at) == ("bia", None)
    assert list(Pause.objects.in_force(TODAY)) == [new]


def test_setting_and_lifting_are_audited_with_who_and_what(portfolio):
    customer, _, _ = portfolio
    pause = pauses.pause_customer(
        customer, until=D(2026, 12, 31), reason="acordo", note="parcelado em 3x", user="ana"
    )
    pauses.lift(pause, "bruno")
    entries = list(AuditEntry.objects.filter(object_type="receivables.pause").order_by("id"))
    assert [(e.user, e.action) for e in entries] == [("ana", "pause.set"), ("bruno", "pause.lift")]
    assert entries[0].description == (
        "Cobrança suspensa: cliente C1 até 31/12/2026 (Acordo de pagamento)"
    )
    assert entries[0].changes == {
        "until": "2026-12-31",
        "reason": "agreement",
        "note": "parcelado em 3x",
    }


def test_lifting_twice_says_so_the_second_time(portfolio):
    customer, _, _ = portfolio
    pause = pauses.pause_customer(customer, until=None, reason="agreement", user="ana")
    assert pauses.lift(pause, "ana") is True
    assert pauses.lift(pause, "ana") is False
    assert AuditEntry.objects.filter(action="pause.lift").count() == 1


@pytest.mark.parametrize(
    ("until", "reason", "message"),
    [
        (
            D(2026, 11, 29),
            "agreement",
            "A data de “não cobrar até” (29/11/2026) já passou; "
            "informe uma data a partir de 30/11/2026 ou deixe em branco.",
        ),
        (None, "férias", "Motivo inválido: 'férias'."),
    ],
)
def test_bad_input_is_refused_naming_it_and_nothing_is_written(portfolio, until, reason, message):
    customer, _, _ = portfolio
    with pytest.raises(PauseError) as refused:
        pauses.pause_customer(customer, until=until, reason=reason, user="ana")
    assert refused.value.messages[0].startswith(message)
    assert not Pause.objects.exists()
    assert not AuditEntry.objects.filter(action="pause.set").exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("agreement", "agreement"),
        ("Acordo de pagamento", "agreement"),
        ("promessa", "promise"),
        ("cartorio de protesto", "protest"),
        ("Contestação", "dispute"),
    ],
)
def test_a_reason_is_read_from_its_code_or_its_portuguese_name(text, code):
    assert pauses.parse_reason(text) == code
