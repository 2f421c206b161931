"""The run done by the database (``setrun``) against the streaming path.

A recorded run takes the set-based path, a dry run the streaming one. Both paths run on the same data, dry and recorded, grouped both ways: their
outputs (`regua run --json`'s notices and skips, the text report, the totals)
and the rows a recorded run writes (every column of the notices and their
títulos but the ids and times) must be the same, on the demo data and on a
portfolio with every skip reason of R4, both notice reasons of R7, a letter-only
notice, an "Email e Carta" range, an A/B split and a second run that meets R5
and the minimum interval.
"""

import datetime
import io
import re
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from regua.dunning import runs
from regua.dunning.models import DelayRange, DunningSettings, Notice, NoticeItem
from regua.letters.models import LetterTemplate
from regua.operations import demo
from regua.receivables.models import Pause
from regua.test import make_branch, make_collection, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 30)
DAY = datetime.timedelta(days=1)


# The two paths: a recorded run takes the set-based one, a dry run the streaming one
# (faster when nothing is written); each is made to take both here.
PATHS = {"set": runs._make, "streaming": runs._make_streaming}


@contextmanager
def taking(monkeypatch: pytest.MonkeyPatch, path: str):
    """Every run, dry or recorded, takes ``path``."""
    with monkeypatch.context() as patch:
        patch.setattr(runs, "_make", PATHS[path])
        patch.setattr(runs, "_make_streaming", PATHS[path])
        yield


def _written() -> list[Any]:
    """Every recorded notice with its títulos, without ids, run and times, in id order."""
    skip = {"id", "run", "created_at", "notice"}
    notice_fields = [f.attname for f in Notice._meta.concrete_fields if f.name not in skip]
    item_fields = [f.attname for f in NoticeItem._meta.concrete_fields if f.name not in skip]
    out = []
    for notice in Notice.objects.order_by("pk"):
        items = [tuple(getattr(i, f) for f in item_fields) for i in notice.items.order_by("pk")]
        out.append((tuple(getattr(notice, f) for f in notice_fields), items))
    return out


def _outcome(**options: Any) -> dict[str, Any]:
    """A run's outputs and, when recorded, what it wrote; then everything rolled back."""
    result: dict[str, Any] = {}
    with transaction.atomic():
        done = runs.execute_run(TODAY, user="ana", **options)
        data = done.as_json()
        # Ids differ from path to path: each notice's place stands for its id.
        places = {n["id"]: k for k, n in enumerate(data["notices"])}
        for notice in data["notices"]:
            notice["id"] = places[notice["id"]] if notice["id"] is not None else None
        data["run"] = data["run"] is not None
        result["json"] = data
        result["totals"] = done.totals
        result["pending"] = [places[pk] for pk in done.pending]
        result["written"] = _written()
        result["sides"] = sorted(
            DelayRange.objects.filter(pk__in=[r.pk for r in DelayRange.objects.all()])
            .values_list("rangeside__customer_id", "rangeside__side", "rangeside__draw")
            .exclude(rangeside__isnull=True)
        )
        transaction.set_rollback(True)
    return result


def _text(*arguments: str) -> str:
    out = io.StringIO()
    with transaction.atomic():
        call_command("run", "--date", TODAY.isoformat(), *arguments, stdout=out)
        transaction.set_rollback(True)
    # The run's and the notices' numbers differ from path to path (PostgreSQL's
    # sequences are not rolled back).
    lines = out.getvalue().splitlines()
    text = "\n".join(lines[1:] if lines and lines[0].startswith("Emissão") else lines)
    return re.sub(r"carta \d+:", "carta:", text)


def _compare(monkeypatch: pytest.MonkeyPatch, **options: Any) -> dict[str, Any]:
    with taking(monkeypatch, "set"):
        new = _outcome(**options)
    with taking(monkeypatch, "streaming"):
        old = _outcome(**options)
    assert new["json"] == old["json"]
    assert new["totals"] == old["totals"]
    assert new["pending"] == old["pending"]
    assert new["written"] == old["written"]
    assert new["sides"] == old["sides"]
    return new


@pytest.fixture
def portfolio():
    """Every reason a título stays out (R4), both reasons a notice is skipped (R7), a
    letter-only notice, "Email e Carta", an A/B split, and codes that sort as text."""
    template_b = LetterTemplate.objects.get(number=2)
    make_range(-5, -1, 1)
    make_range(1, 10, 1, min_balance=Decimal("50.00"))
    make_range(11, 30, 1, template_b=template_b, share=50, ab_salt="sal")
    make_range(31, 60, 3, "email_and_letter")
    desd = make_collection("XX", dunnable=False)
    bk = make_collection("BK")
    branches = [make_branch("2"), make_branch("10", city="Campinas", state="SP")]
    customers = [
        make_customer("Z9"),
        make_customer("a1", billing_email="x@a.test; y@a.test", invalid_emails=["y@a.test"]),
        make_customer("B5", email="", billing_email=""),  # no e-mail: skipped
        make_customer(
            "10", email="", address="Rua A, 1", city="Campinas", state="SP", zip_code="13000-000"
        ),  # letter-only in "Email e Carta"
        make_customer("9", do_not_dun=True),
        make_customer("77", email="not an address"),
        make_customer("C3"),
    ]
    for n in range(70):
        customer = customers[n % len(customers)]
        make_receivable(
            branches[n % 2],
            customer,
            TODAY - (3 + (n * 7) % 55) * DAY,
            f"{10 + n * 3}.{n % 10}5",
            document=f"D{n % 9}",
            installment=str(n),
            collection=desd if n % 13 == 0 else bk,
            do_not_dun=n % 17 == 0,
        )
    paused = make_receivable(branches[0], customers[6], TODAY - 12 * DAY, "80.00")
    for target in ({"receivable": paused}, {"customer": customers[0]}):
        Pause.objects.create(
            reason="promise", created_by="ana", created_at=timezone.now(), **target
        )
    # Below the first range's minimum: one small título alone.
    make_receivable(branches[1], make_customer("S1"), TODAY - 5 * DAY, "5.00")
    # Not yet due: days overdue below zero.
    make_receivable(branches[0], customers[6], TODAY + 2 * DAY, "1234.50")
    # No e-mail in an "Email" range.
    make_receivable(branches[0], make_customer("N1", email=""), TODAY - 8 * DAY)
    # Customers whose highest range is the A/B split's.
    for n in range(8):
        make_receivable(branches[n % 2], make_customer(f"AB{n}"), TODAY - (12 + n) * DAY)
    return customers


@pytest.mark.parametrize("group", ["customer", "receivable"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_the_set_based_run_gives_what_the_streaming_one_gave(
    portfolio, monkeypatch, group, dry_run
):
    new = _compare(monkeypatch, group_by=group, dry_run=dry_run)

    reasons = {s["reason"] for s in new["json"]["skipped"]}
    assert reasons == {
        "collection_not_dunnable",
        "receivable_blocked",
        "customer_blocked",
        "below_minimum",
    }
    notices = new["json"]["notices"]
    assert {n["reason"] for n in notices} == {None, "no_email", "no_address"}
    assert {tuple(n["channels"]) for n in notices} == {("email",), ("letter",)}
    assert {n["template"] for n in notices} == {1, 2, 3}
    assert bool(new["written"]) is not dry_run


def test_a_second_run_meets_r5_and_the_minimum_interval_the_same_way(portfolio, monkeypatch):
    runs.execute_run(TODAY - 4 * DAY, user="ana")
    DunningSettings.objects.create(min_interval_days=7)
    make_receivable(make_branch("3"), portfolio[6], TODAY - 11 * DAY, "300.00")

    new = _compare(monkeypatch)

    reasons = {s["reason"] for s in new["json"]["skipped"]}
    assert {"already_sent", "min_interval"} <= reasons


@pytest.mark.parametrize("arguments", [("--dry-run",), ("--no-wait",), ("--dry-run", "--json")])
def test_the_commands_output_is_the_same(portfolio, monkeypatch, arguments):
    with taking(monkeypatch, "set"):
        new = _text(*arguments)
    with taking(monkeypatch, "streaming"):
        old = _text(*arguments)

    assert new == old
    assert "Títulos fora" in new or '"skipped"' in new


@pytest.mark.parametrize("group", ["customer", "receivable"])
def test_the_demo_data_gives_the_same_run(monkeypatch, group):
    demo.load_demo(TODAY, customers=60)

    new = _compare(monkeypatch, group_by=group)

    assert len(new["json"]["notices"]) > 20 and new["json"]["skipped"]


def test_the_report_written_straight_is_the_report_of_the_notices_json(portfolio):
    from regua.delivery.management.commands.run import notice_text, planned_text

    for dry_run in (True, False):
        with transaction.atomic():
            planned = runs.execute_run(TODAY, user="ana", dry_run=dry_run).notices
            transaction.set_rollback(True)
        assert planned and any(p.reason for p in planned) and any(p.recipients for p in planned)
        for p in planned:
            assert planned_text(p) == notice_text(p.as_json())
        assert any(line.days_overdue < 0 for p in planned for line in p.lines)


@pytest.mark.parametrize(
    "value",
    ["0.00", "0.01", "-0.01", "1.00", "999.99", "1000.00", "-1234.56", "1234567.89", "12.5", "7"],
)
def test_money_in_cents_is_money(value):
    from regua import ptbr

    assert ptbr.money_in_cents(Decimal(value)) == ptbr.money(Decimal(value))
