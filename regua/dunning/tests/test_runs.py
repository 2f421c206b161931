import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from regua.audit.models import AuditEntry
from regua.dunning.models import CalendarDay, DunningRun, Notice, NoticeItem
from regua.dunning.recipients import recipients_for
from regua.dunning.runs import _record, execute_run, planned_notices
from regua.dunning.selection import Filters
from regua.receivables.models import Receivable
from regua.test import (
    make_branch,
    make_customer,
    make_range,
    make_receivable,
    select,
    set_state,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 30)


@pytest.fixture
def ranges():
    return {
        "B": make_range(1, 15, 1, name="Aviso"),
        "C": make_range(16, 30, 2, "email_and_letter", name="Carta"),
    }


@pytest.fixture
def two_branches_one_customer(ranges):
    """A customer owing two branches: 2 títulos at branch 1 (ranges B and C), 1 at branch 2."""
    b1, b2 = make_branch("1"), make_branch("2")
    customer = make_customer("C1", billing_email="financeiro@c1.com.br")
    make_receivable(b1, customer, D(2026, 11, 20), "100.00", document="A")  # 7 days: B
    make_receivable(b1, customer, D(2026, 11, 10), "250.50", document="B")  # 20 days: C
    make_receivable(b2, customer, D(2026, 11, 24), "40.00", document="C")  # 6 days: B
    return b1, b2, customer


def run(**options):
    options.setdefault("user", "ana")
    return execute_run(TODAY, **options)


def test_one_notice_per_branch_and_customer_with_the_highest_range(
    two_branches_one_customer, ranges
):
    result = run()

    data = result.as_json()
    assert [(n["branch"], n["customer"]) for n in data["notices"]] == [("1", "C1"), ("2", "C1")]
    first, second = data["notices"]
    assert first["range"] == {"id": ranges["C"].pk, "start": 16, "end": 30}
    assert (first["template"], first["generation"], first["status"]) == (
        2,
        "email_and_letter",
        "held",
    )
    assert [
        (r["document"], r["days_overdue"], r["range"], r["balance"]) for r in first["receivables"]
    ] == [
        ("B", 20, {"start": 16, "end": 30}, "250.50"),
        ("A", 7, {"start": 1, "end": 15}, "100.00"),
    ]
    assert (second["template"], second["generation"], second["status"]) == (1, "email", "pending")
    notice = Notice.objects.get(pk=first["id"])
    assert notice.total_balance == Decimal("350.50")
    assert sorted(notice.items.values_list("range_start", flat=True)) == [1, 16]


def test_one_notice_per_titulo_when_asked(two_branches_one_customer):
    data = run(group_by="receivable").as_json()

    assert [(n["branch"], [r["document"] for r in n["receivables"]], n["template"]) for n in data["notices"]] == [
        ("1", ["B"], 2),
        ("1", ["A"], 1),
        ("2", ["C"], 1),
    ]  # fmt: skip


def test_the_run_records_who_when_filters_and_counts(two_branches_one_customer):
    result = run(filters=Filters(customers=("C1",), due_from=D(2026, 11, 1)), user="bia")

    r = DunningRun.objects.get()
    assert r == result.run
    assert (r.user, r.reference_date, r.group_by) == ("bia", TODAY, "customer")
    assert r.filters == {"customers": ["C1"], "due_from": "2026-11-01"}
    assert (r.candidates, r.notices, r.held, r.skipped, r.sent, r.failed) == (3, 2, 1, 0, 0, 0)
    assert r.finished_at is not None
    assert AuditEntry.objects.filter(action="run.execute", user="bia", object_id=str(r.pk)).exists()
    item = NoticeItem.objects.get(receivable__document="B")
    assert (item.due_date, item.effective_due_date, item.days_overdue) == (D(2026, 11, 10),) * 2 + (
        20,
    )
    assert (item.range_start, item.range_end, item.balance, item.blocks) == (
        16,
        30,
        Decimal("250.50"),
        True,
    )


def test_a_second_run_sends_nothing_again(two_branches_one_customer):
    run()
    again = run().as_json()

    assert again["notices"] == []
    assert sorted((s["document"], s["reason"]) for s in again["skipped"]) == [
        ("A", "already_sent"), ("B", "already_sent"), ("C", "already_sent"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("billing", "email", "invalid", "expected"),
    [
        ("a@c.com.br; b@c.com.br, c@c.com.br", "main@c.com.br", [], ["a@c.com.br", "b@c.com.br", "c@c.com.br"]),
        ("", "main@c.com.br", [], ["main@c.com.br"]),
        ("a@c.com.br;A@C.com.br", "", [], ["a@c.com.br"]),
        ("a@c.com.br; b@c.com.br", "main@c.com.br", ["A@c.com.br"], ["b@c.com.br"]),
        ("a@c.com.br", "main@c.com.br", ["a@c.com.br"], ["main@c.com.br"]),
        ("not an address; x@", "main@c.com.br", [], ["main@c.com.br"]),
        ("bad@@c", "nope", [], []),
        ("", "", [], []),
        ("a@c.com.br\r\nBcc: evil@x.com", "", [], []),
    ],
)  # fmt: skip
def test_recipients_are_the_collection_emails_else_the_main_one(billing, email, invalid, expected):
    customer = make_customer(billing_email=billing, email=email, invalid_emails=invalid)
    assert recipients_for(customer) == expected


def test_a_customer_without_a_valid_email_is_skipped_and_stays_a_candidate(ranges):
    branch = make_branch()
    customer = make_customer("C9", email="", billing_email="sem e-mail")
    make_receivable(branch, customer, D(2026, 11, 20), document="X")

    first = run().as_json()

    assert [(n["status"], n["reason"], n["recipients"]) for n in first["notices"]] == [
        ("skipped", "no_email", [])
    ]
    assert not NoticeItem.objects.get().blocks
    assert DunningRun.objects.get().skipped == 1

    customer.billing_email = "pagar@c9.com.br"
    customer.save()
    second = run().as_json()
    assert [(n["status"], n["recipients"]) for n in second["notices"]] == [
        ("pending", ["pagar@c9.com.br"])
    ]


def test_in_an_email_and_letter_range_a_customer_without_email_gets_a_letter_only_notice(
    ranges,
):
    """R7: held for review with channel letter; without a usable postal address,
    skipped with no_address; a letter returned by the post counts as no address."""
    branch = make_branch()
    postal = make_customer(
        "C1", email="", address="Rua das Flores, 10", city="Campinas", zip_code="13010-000"
    )
    street_missing = make_customer("C2", email="", city="Campinas", zip_code="13010-000")
    returned = make_customer(
        "C3", email="", address="Rua B, 2", zip_code="13010-000", postal_address_invalid=True
    )
    for customer in (postal, street_missing, returned):
        make_receivable(branch, customer, D(2026, 11, 10), document=customer.code)  # 20 days: C

    data = run().as_json()

    assert [(n["customer"], n["status"], n["reason"], n["channels"]) for n in data["notices"]] == [
        ("C1", "held", None, ["letter"]),
        ("C2", "skipped", "no_address", ["letter"]),
        ("C3", "skipped", "no_address", ["letter"]),
    ]
    letter = Notice.objects.get(customer=postal)
    assert (letter.status, letter.channels) == ("held", "letter")
    assert letter.items.get().blocks  # held blocks (R5); the skipped ones do not
    assert not NoticeItem.objects.filter(notice__customer=returned).get().blocks


def tables():
    return {
        model.__name__: model.objects.count()
        for model in (DunningRun, Notice, NoticeItem, AuditEntry, CalendarDay)
    }


def test_a_dry_run_shows_what_would_happen_and_changes_nothing(two_branches_one_customer):
    before = tables()

    dry = run(dry_run=True).as_json()

    assert tables() == before  # not even the calendar is stored
    assert dry["run"] is None and dry["dry_run"] is True
    assert [n["id"] for n in dry["notices"]] == [None, None]
    real = run().as_json()
    for notice in real["notices"]:
        notice["id"] = None
    assert {k: v for k, v in dry.items() if k not in ("run", "dry_run")} == {
        k: v for k, v in real.items() if k not in ("run", "dry_run")
    }


def plan(selection):
    """The notices of a selection kept whole, as a run plans them."""
    for line in selection.candidates:
        if line.contact is None:
            line.contact = selection.contacts[line.customer_id]
    return list(planned_notices(selection.candidates, selection.group_by, skip=lambda line: None))


def test_an_integrity_error_leaves_no_half_written_run(two_branches_one_customer):
    stale = select(TODAY)  # what a second run saw before the first one recorded
    run()
    before = tables()

    with pytest.raises(IntegrityError), transaction.atomic():
        _record(stale, plan(stale), user="bia")

    assert tables() == before


def test_the_exit_status_is_1_when_a_notice_failed_or_is_uncertain(two_branches_one_customer):
    result = run()
    assert result.exit_status == 0

    set_state(
        Notice.objects.get(pk=result.notices[1].notice_id),
        "failed",
        smtp_response="550 no such user",
    )
    assert result.exit_status == 1


def test_a_run_without_a_date_is_dated_today(two_branches_one_customer):
    result = execute_run(user="ana")
    assert result.run is not None
    assert result.reference_date == TODAY == result.run.reference_date


def _generated_portfolio(branches, customers, start):
    """Títulos due on many days around ``start``, some partly paid, some due in the future."""
    n = 0
    for day in range(-20, 75, 3):
        for customer in customers[: 1 + n % len(customers)]:
            make_receivable(
                branches[n % len(branches)],
                customer,
                start - datetime.timedelta(days=day),
                Decimal("50.00") + n,
                paid_amount=Decimal("10.00") if n % 4 == 0 else Decimal("0.00"),
            )
            n += 1


def test_daily_runs_send_each_titulo_at_most_once_per_range_in_increasing_order():
    make_range(-5, -1, 1)
    make_range(0, 10, 1)
    make_range(11, 30, 2)
    make_range(31, 60, 3)
    branches = [make_branch("1"), make_branch("2", city="Campinas")]
    customers = [make_customer(f"C{n}") for n in range(4)]
    start = D(2026, 11, 2)
    _generated_portfolio(branches, customers, start)

    for day in range(60):
        execute_run(start + datetime.timedelta(days=day), user="automatic")

    history: dict[int, list[tuple[int, datetime.date]]] = {}
    for receivable_id, range_start, created in NoticeItem.objects.order_by(
        "notice__reference_date", "pk"
    ).values_list("receivable_id", "range_start", "notice__reference_date"):
        history.setdefault(receivable_id, []).append((range_start, created))
    assert len(history) > 20
    for receivable_id, sends in history.items():
        starts = [range_start for range_start, _ in sends]
        assert starts == sorted(set(starts)), f"título {receivable_id}: {sends}"
    assert any(len(sends) >= 3 for sends in history.values())


def test_a_run_of_more_than_a_thousand_titulos_prints_its_json(ranges):
    branch = make_branch("1")
    customers = [make_customer(f"K{i}") for i in range(3)]
    Receivable.objects.bulk_create(
        Receivable(
            branch=branch,
            customer=customers[i % 3],
            document=f"D{i}",
            installment="1",
            due_date=D(2026, 11, 20),
            amount=Decimal("10.00"),
        )
        for i in range(1200)
    )

    result = run()

    data = result.as_json()
    assert sum(len(n["receivables"]) for n in data["notices"]) == 1200
    assert {n["customer"] for n in data["notices"]} == {"K0", "K1", "K2"}
