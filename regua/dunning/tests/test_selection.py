import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regua.audit.models import AuditEntry
from regua.dunning import calendar
from regua.dunning.models import DunningSettings
from regua.dunning.selection import Filters, SelectionError
from regua.receivables.models import CollectionType
from regua.test import (
    make_branch,
    make_collection,
    make_customer,
    make_notice,
    make_range,
    make_receivable,
    select,
    set_state,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 30)  # a Monday


@pytest.fixture
def ranges():
    return {
        "A": make_range(-5, 0, 1, name="Lembrete"),
        "B": make_range(1, 15, 1, name="Aviso"),
        "C": make_range(16, 30, 2, "email_and_letter", name="Carta"),
        "D": make_range(31, 60, 3, name="Notificação"),
    }


@pytest.fixture
def branch():
    return make_branch("1")


@pytest.fixture
def customer():
    return make_customer("C1")


def lines_by_document(selection):
    return {line.document: line for line in selection.candidates + selection.skipped}


@pytest.mark.parametrize(
    ("due", "days", "range_name"),
    [
        (D(2026, 12, 5), None, None),  # falls due in 7 days (a Saturday → Monday): none yet
        (D(2026, 12, 4), -4, "A"),  # falls due in 4 days
        (D(2026, 12, 1), -1, "A"),
        (D(2026, 11, 30), 0, "A"),  # falls due today
        (D(2026, 11, 28), 0, "A"),  # due Saturday: may be paid today without charges
        (D(2026, 11, 27), 3, "B"),
        (D(2026, 11, 20), 7, "B"),  # a national holiday → Monday the 23rd
        (D(2026, 11, 14), 14, "B"),  # Saturday → Monday the 16th: 14 days, not 16
        (D(2026, 11, 13), 17, "C"),
        (D(2026, 10, 31), 27, "C"),  # Saturday → Monday 2 November is a holiday → Tuesday
        (D(2026, 10, 29), 32, "D"),
        (D(2026, 10, 30), 31, "D"),
        (D(2026, 10, 1), 60, "D"),
        (D(2026, 9, 30), None, None),  # 61 days: in no range
        (D(2025, 12, 31), None, None),
    ],
)
def test_a_titulo_gets_the_range_of_its_days_overdue_at_the_effective_due_date(
    ranges, branch, customer, due, days, range_name
):
    make_receivable(branch, customer, due, document="X")

    found = lines_by_document(select(TODAY))

    if range_name is None:
        assert found == {}
    else:
        assert found["X"].days_overdue == days
        assert found["X"].delay_range == ranges[range_name]
        assert found["X"].reason is None


def test_without_the_move_a_weekend_due_date_counts_from_itself(settings, ranges, branch, customer):
    settings.REGUA_MOVE_DUE_DATES = False
    make_receivable(branch, customer, D(2026, 11, 28), document="X")

    line = lines_by_document(select(TODAY))["X"]

    assert (line.days_overdue, line.effective_due_date) == (2, D(2026, 11, 28))
    assert line.delay_range == ranges["B"]


def test_a_city_holiday_moves_the_due_date_only_for_that_city_branch(ranges, customer):
    sp = make_branch("1", city="São Paulo", state="SP")
    campinas = make_branch("2", city="Campinas", state="SP")
    calendar.add_holiday(D(2026, 11, 16), state="SP", city="Campinas", user="ana")
    make_receivable(sp, customer, D(2026, 11, 14), document="SP")
    make_receivable(campinas, customer, D(2026, 11, 14), document="CAMPINAS")

    found = lines_by_document(select(TODAY))

    assert found["SP"].days_overdue == 14 + 0 and found["SP"].delay_range == ranges["B"]
    assert found["CAMPINAS"].days_overdue == 13
    assert found["CAMPINAS"].effective_due_date == D(2026, 11, 17)


@pytest.mark.parametrize(
    ("fields", "listed"),
    [
        ({"paid_amount": Decimal("100.00")}, False),  # paid
        ({"paid_amount": Decimal("105.30")}, False),  # paid with interest: settled
        ({"cancelled": True}, False),
        ({"settled": True}, False),  # gone from the ERP's full export
        ({"paid_amount": Decimal("40.00")}, True),  # partial payment: still owes 60
        ({}, True),
    ],
)
def test_only_open_titulos_are_dunned(ranges, branch, customer, fields, listed):
    make_receivable(branch, customer, D(2026, 11, 20), "100.00", document="X", **fields)

    found = lines_by_document(select(TODAY))

    assert ("X" in found) is listed
    if listed:
        assert found["X"].balance == Decimal("100.00") - fields.get("paid_amount", 0)


@pytest.mark.parametrize(
    ("owner", "until", "reason"),
    [
        ("receivable", None, "receivable_blocked"),
        ("receivable", D(2026, 11, 30), "receivable_blocked"),  # a promise to pay today
        ("receivable", D(2026, 12, 15), "receivable_blocked"),
        ("receivable", D(2026, 11, 29), None),  # the promise expired yesterday
        ("customer", None, "customer_blocked"),
        ("customer", D(2027, 1, 31), "customer_blocked"),
        ("customer", D(2026, 11, 1), None),
    ],
)
def test_do_not_dun_with_and_without_a_date(ranges, branch, customer, owner, until, reason):
    receivable = make_receivable(branch, customer, D(2026, 11, 20), document="X")
    target = receivable if owner == "receivable" else customer
    target.do_not_dun = True
    target.do_not_dun_until = until
    target.save()

    assert lines_by_document(select(TODAY))["X"].reason == reason


def test_a_collection_type_that_is_never_dunned_is_skipped(ranges, branch, customer):
    make_receivable(
        branch,
        customer,
        D(2026, 11, 20),
        document="DEV",
        collection=CollectionType.objects.get(code="DEVT"),
    )
    make_receivable(
        branch, customer, D(2026, 11, 20), document="BK", collection=make_collection("BK")
    )
    make_receivable(branch, customer, D(2026, 11, 20), document="NONE")

    found = lines_by_document(select(TODAY))

    assert found["DEV"].reason == "collection_not_dunnable"
    assert found["BK"].reason is None
    assert found["NONE"].reason is None


# Each row turns one more cause off: the reason reported is always the first that applies.
@pytest.mark.parametrize(
    ("causes", "reason"),
    [
        ({"collection", "receivable", "customer", "sent", "minimum", "interval"}, "collection_not_dunnable"),
        ({"receivable", "customer", "sent", "minimum", "interval"}, "receivable_blocked"),
        ({"customer", "sent", "minimum", "interval"}, "customer_blocked"),
        ({"sent", "minimum", "interval"}, "already_sent"),
        ({"minimum", "interval"}, "below_minimum"),
        ({"interval"}, "min_interval"),
        (set(), None),
    ],
)  # fmt: skip
def test_the_first_reason_in_r4_order_is_reported_once(branch, causes, reason):
    delay_range = make_range(1, 15, min_balance=Decimal("500.00") if "minimum" in causes else 0)
    customer = make_customer("C1", do_not_dun="customer" in causes)
    collection = make_collection("X", dunnable=False) if "collection" in causes else None
    receivable = make_receivable(
        branch, customer, D(2026, 11, 20), "100.00", document="X",
        collection=collection, do_not_dun="receivable" in causes,
    )  # fmt: skip
    if "sent" in causes:
        make_notice(delay_range, [receivable], reference_date=D(2026, 11, 24))
    if "interval" in causes:
        other = make_receivable(branch, customer, D(2026, 5, 4), document="OLD")
        make_notice(delay_range, [other], reference_date=D(2026, 11, 27))

    selection = select(TODAY, min_interval=7)

    lines = [line for line in selection.candidates + selection.skipped if line.document == "X"]
    assert [line.reason for line in lines] == [reason]


def test_the_minimum_interval_is_off_by_default_and_can_be_set_in_the_database(
    ranges, branch, customer
):
    old = make_receivable(branch, customer, D(2026, 11, 10), document="OLD")
    make_notice(ranges["C"], [old], reference_date=D(2026, 11, 27))
    make_receivable(branch, customer, D(2026, 11, 20), document="X")

    assert lines_by_document(select(TODAY))["X"].reason is None

    DunningSettings.objects.create(min_interval_days=5)
    assert lines_by_document(select(TODAY))["X"].reason == "min_interval"

    DunningSettings.objects.update(min_interval_days=3)  # the last notice was 3 days ago
    assert lines_by_document(select(TODAY))["X"].reason is None


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("pending", "already_sent"),
        ("held", "already_sent"),
        ("sending", "already_sent"),
        ("retry", "already_sent"),
        ("sent", "already_sent"),
        ("uncertain", "already_sent"),
        ("failed", None),
        ("discarded", None),
        ("skipped", None),
    ],
)
def test_only_blocking_states_block_a_new_notice_for_the_range(
    ranges, branch, customer, status, reason
):
    receivable = make_receivable(branch, customer, D(2026, 11, 20), document="X")
    notice = make_notice(ranges["B"], [receivable], reference_date=D(2026, 11, 25))
    set_state(notice, status)

    assert lines_by_document(select(TODAY))["X"].reason == reason


@pytest.mark.parametrize(
    ("sent_in", "now_in", "reason"),
    [
        ("B", "B", "already_sent"),  # the same range: once
        ("C", "B", "already_sent"),  # a lower range after a higher one: never
        ("A", "B", None),  # escalation moves forward
        ("A", "D", None),  # skipped ranges: only the current one
    ],
)
def test_escalation_only_moves_forward_once_per_range(
    ranges, branch, customer, sent_in, now_in, reason
):
    due = {"B": D(2026, 11, 20), "D": D(2026, 10, 16)}[now_in]
    receivable = make_receivable(branch, customer, due, document="X")
    make_notice(ranges[sent_in], [receivable], reference_date=D(2026, 11, 1))

    line = lines_by_document(select(TODAY))["X"]

    assert line.delay_range == ranges[now_in]
    assert line.reason == reason


def test_a_changed_due_date_starts_a_new_cycle(ranges, branch, customer):
    receivable = make_receivable(branch, customer, D(2026, 11, 20), document="X")
    make_notice(ranges["B"], [receivable], reference_date=D(2026, 11, 25))
    assert lines_by_document(select(TODAY))["X"].reason == "already_sent"

    receivable.due_date = D(2026, 11, 24)  # prorrogação
    receivable.save()

    line = lines_by_document(select(TODAY))["X"]
    assert line.reason is None
    assert line.days_overdue == 6


def test_escalation_compares_the_start_day_recorded_when_sent(ranges, branch, customer):
    receivable = make_receivable(branch, customer, D(2026, 11, 20), document="X")
    make_notice(ranges["B"], [receivable], reference_date=D(2026, 11, 25))  # recorded start 1
    # Range B is later edited to start at 5 (still contains 7 days): a "new" range.
    ranges["B"].start_day = 5
    ranges["B"].save()

    assert lines_by_document(select(TODAY))["X"].reason is None


@pytest.mark.parametrize(
    ("group_by", "reasons"),
    [
        ("customer", {"X1": None, "X2": None, "Y": "below_minimum"}),
        ("receivable", {"X1": "below_minimum", "X2": "below_minimum", "Y": "below_minimum"}),
    ],
)
def test_the_minimum_balance_applies_to_the_notice_total(branch, group_by, reasons):
    make_range(1, 15, min_balance=Decimal("50.00"))
    x, y = make_customer("X"), make_customer("Y")
    make_receivable(branch, x, D(2026, 11, 20), "30.00", document="X1")
    make_receivable(branch, x, D(2026, 11, 23), "25.01", paid_amount=Decimal("0.01"), document="X2")
    make_receivable(branch, y, D(2026, 11, 20), "49.99", document="Y")
    blocked = make_receivable(branch, y, D(2026, 11, 20), "100.00", document="YB", do_not_dun=True)
    assert blocked.do_not_dun  # a blocked título does not count towards the total

    found = lines_by_document(select(TODAY, group_by=group_by))

    assert {doc: found[doc].reason for doc in reasons} == reasons


def test_the_minimum_is_the_one_of_the_notice_range_its_highest(branch, customer):
    make_range(1, 15, min_balance=Decimal("0.00"))
    make_range(16, 30, 2, min_balance=Decimal("200.00"))
    make_receivable(branch, customer, D(2026, 11, 20), "100.00", document="LOW")
    make_receivable(branch, customer, D(2026, 11, 10), "50.00", document="HIGH")

    found = lines_by_document(select(TODAY))

    assert found["LOW"].reason == found["HIGH"].reason == "below_minimum"


@pytest.fixture
def filtered_world(ranges):
    b1, b2 = make_branch("1"), make_branch("2")
    c1, c2 = make_customer("C1"), make_customer("C2")
    bk, ca = make_collection("BK"), make_collection("CA", description="CARTEIRA")
    make_receivable(b1, c1, D(2026, 11, 20), document="A", issue_date=D(2026, 10, 1), collection=bk)
    make_receivable(b1, c2, D(2026, 11, 10), document="B", issue_date=D(2026, 9, 1), collection=ca)
    make_receivable(b2, c1, D(2026, 11, 3), document="C", issue_date=D(2026, 10, 15), collection=bk)
    make_receivable(b2, c2, D(2026, 10, 20), document="E", issue_date=D(2026, 8, 1))


@pytest.mark.parametrize(
    ("filters", "documents"),
    [
        (Filters(), {"A", "B", "C", "E"}),
        (Filters(due_from=D(2026, 11, 3)), {"A", "B", "C"}),
        (Filters(due_to=D(2026, 11, 10)), {"B", "C", "E"}),
        (Filters(due_from=D(2026, 11, 4), due_to=D(2026, 11, 19)), {"B"}),
        (Filters(issued_from=D(2026, 10, 1)), {"A", "C"}),
        (Filters(issued_to=D(2026, 9, 1)), {"B", "E"}),
        (Filters(collections=("BK",)), {"A", "C"}),
        (Filters(collections=("BK", "CA")), {"A", "B", "C"}),
        (Filters(customers=("C2",)), {"B", "E"}),
        (Filters(branch="2"), {"C", "E"}),
        (Filters(branch="2", customers=("C1",)), {"C"}),
        (Filters(branch="1", collections=("BK",), due_to=D(2026, 11, 25)), {"A"}),
        (Filters(customers=("C1", "C2"), issued_from=D(2026, 9, 1), due_from=D(2026, 11, 5)), {"A", "B"}),
        (Filters(branch="1", customers=("C1",), collections=("CA",)), set()),
    ],
)  # fmt: skip
def test_filters_alone_and_combined(filtered_world, filters, documents):
    assert set(lines_by_document(select(TODAY, filters))) == documents


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(branch="9"), "Filial '9' não encontrada"),
        (Filters(customers=("C1", "NOPE")), "Cliente não encontrado: NOPE"),
        (Filters(collections=("ZZ",)), "Cobrança não encontrada: ZZ"),
        (Filters(due_from=D(2026, 11, 2), due_to=D(2026, 11, 1)), "Período de vencimento invertido"),
        (Filters(issued_from=D(2026, 11, 2), issued_to=D(2026, 11, 1)), "Período de emissão invertido"),
    ],
)  # fmt: skip
def test_unusable_filters_are_refused_naming_what_is_wrong(filtered_world, filters, message):
    with pytest.raises(SelectionError) as raised:
        select(TODAY, filters)
    assert message in raised.value.messages[0]


def test_without_active_ranges_the_selection_says_so(branch, customer):
    make_range(1, 15, active=False)
    with pytest.raises(SelectionError, match="Nenhuma faixa de atraso ativa"):
        select(TODAY)


def test_the_selection_takes_the_same_queries_for_few_or_many_titulos(ranges):
    branches = [
        make_branch(str(n), city=c) for n, c in enumerate(["São Paulo", "Campinas", "Santos"])
    ]
    customers = [make_customer() for _ in range(5)]

    def add_and_count(n):
        for day in range(n):
            make_receivable(
                branches[day % 3], customers[day % 5], TODAY - datetime.timedelta(days=day)
            )
        select(TODAY)  # the first fills the calendar
        with CaptureQueriesContext(connection) as queries:
            selection = select(TODAY)
        return len(queries), len(selection.candidates) + len(selection.skipped)

    few_queries, few = add_and_count(3)
    many_queries, many = add_and_count(60)

    assert (few, many) == (3, 63)  # 0 to 59 days late: every one in a range
    assert many_queries == few_queries <= 10  # PostgreSQL adds a savepoint and SET LOCAL


def test_regua_dunning_settings_switches_the_move_and_the_interval(
    capsys, ranges, branch, customer
):
    make_receivable(branch, customer, D(2026, 11, 28), document="X")  # a Saturday
    call_command(
        "dunning_settings", "--move-due-dates", "off", "--min-interval-days", "10", "--user", "ana"
    )

    out = capsys.readouterr().out
    assert "Prorrogar vencimentos em dias não úteis: não" in out
    assert "Intervalo mínimo entre cartas ao cliente: 10 dias" in out
    assert lines_by_document(select(TODAY))["X"].days_overdue == 2
    assert AuditEntry.objects.get(action="dunning_settings.change").user == "ana"

    call_command(
        "dunning_settings", "--move-due-dates", "default", "--min-interval-days", "default"
    )
    assert lines_by_document(select(TODAY))["X"].days_overdue == 0
    assert "desligado" in capsys.readouterr().out
