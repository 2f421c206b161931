"""B7: a clerk's day at volume — Revisão's list, approval in bulk, a print batch.

Inside Django, in a child pointed at the bench database::

    python -m bench.day held --count 10000
    python -m bench.day review-list --pages 5
    python -m bench.day approve --count 1000
    python -m bench.day print --count 500

``held`` writes held letters (one título each; a tenth letter-only, for customers
without e-mail) set-based; ``review-list`` times Revisão's first page as a
supervisor's browser asks for it (the Django test client, no network), the
fastest of a few; ``approve`` runs a bulk approval as the worker runs it
(``regua.web.bulk_review.work``: R8's re-check and each approved letter rendered
to PDF); ``print`` builds a print batch of that many letter-only notices twice —
cold (no PDF stored: each letter rendered) and as after approval (PDFs stored:
joined) — beside the floor, WeasyPrint writing the same letters' HTML directly.
Each prints one JSON line.
"""

import argparse
import datetime
import json
import os
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.databases import Engine
    from bench.report import Row
    from bench.suite import Bench

REFERENCE = datetime.date(2026, 3, 2)
SUPERVISOR = "bench-supervisor"


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regua.settings")
    django.setup()


def held(count: int) -> dict[str, Any]:
    """``count`` held letters over two branches, set-based (bulk inserts)."""
    from regua.dunning.models import DelayRange, DunningRun, Notice, NoticeItem
    from regua.letters.models import LetterTemplate
    from regua.receivables.models import Branch, Customer, Receivable

    template = LetterTemplate.objects.get(number=2)
    letter, _ = DelayRange.objects.get_or_create(
        start_day=31,
        end_day=60,
        defaults={"template": template, "generation": "email_and_letter", "name": "Carta"},
    )
    branches = [
        Branch.objects.get_or_create(code=code, defaults={"legal_name": f"Filial {code}"})[0]
        for code in ("81", "82")
    ]
    run = DunningRun.objects.create(user="bench", reference_date=REFERENCE)
    due = REFERENCE - datetime.timedelta(days=40)
    start = Customer.objects.count()
    customers = Customer.objects.bulk_create(
        Customer(
            code=f"DAY{start + n:07}",
            name=f"CLIENTE DO DIA {n:07}",
            email="" if n % 10 == 9 else f"dia{n}@cliente.com.br",
            address=f"Rua {n}, {n % 900 + 1}",
            city="Campinas",
            state="SP",
            zip_code="13010-000",
        )
        for n in range(count)
    )
    receivables = Receivable.objects.bulk_create(
        Receivable(
            branch=branches[n % 2],
            customer=c,
            document=f"D{start + n:08}",
            installment="1",
            issue_date=due - datetime.timedelta(days=30),
            due_date=due,
            amount=Decimal(100 + n % 9000),
        )
        for n, c in enumerate(customers)
    )
    notices = Notice.objects.bulk_create(
        Notice(
            run=run,
            branch=r.branch,
            customer=r.customer,
            delay_range=letter,
            range_start=31,
            range_end=60,
            template=template,
            template_number=2,
            generation="email_and_letter",
            reference_date=REFERENCE,
            user="bench",
            status="held",
            recipients=[r.customer.email] if r.customer.email else [],
            channels="email" if r.customer.email else "letter",
            total_balance=r.amount,
        )
        for r in receivables
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(
            notice=n,
            receivable=r,
            delay_range=letter,
            due_date=due,
            effective_due_date=due,
            days_overdue=40,
            range_start=31,
            range_end=60,
            balance=r.amount,
            blocks=True,
        )
        for n, r in zip(notices, receivables, strict=True)
    )
    return {"held": Notice.objects.filter(status="held").count()}


def review_list(pages: int) -> dict[str, Any]:
    """Revisão's first page, as a supervisor's browser asks for it: the fastest of ``pages``."""
    from django.contrib.auth.models import User
    from django.test import Client

    from regua.dunning.models import Notice

    user, _ = User.objects.get_or_create(username=SUPERVISOR, is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(pages + 1):  # the first warms the templates and the connection
        started = time.perf_counter()
        response = client.get("/revisao/", SERVER_NAME="localhost")
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"/revisao/ respondeu {response.status_code}")
    return {
        "seconds": min(timings[1:]),
        "held": Notice.objects.filter(status="held").count(),
        "pdfs_built": Notice.objects.filter(pdf__isnull=False).count(),
    }


def approve(count: int) -> dict[str, Any]:
    """A bulk approval of ``count`` e-mailed held letters, as the worker works it."""
    from regua.dunning.models import Notice
    from regua.web import bulk_review

    ids = list(
        Notice.objects.filter(status="held", channels="email")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    batch = bulk_review.start(ids, "approve", "bench")
    started = time.perf_counter()
    bulk_review.work(batch.pk)
    seconds = time.perf_counter() - started
    batch.refresh_from_db()
    return {"seconds": seconds, "letters": len(ids), "approved": batch.approved}


def print_batch(count: int) -> dict[str, Any]:
    """A print batch of ``count`` letter-only notices: cold, warm, and WeasyPrint's floor."""
    from django.db.models import Max

    from bench.workloads import _weasyprint_floor
    from regua.dunning import lifecycle
    from regua.dunning.models import Notice
    from regua.letters import printing
    from regua.letters.models import PrintBatch
    from regua.letters.pdf import render_pdf
    from regua.letters.rendering import notice_letter_document, render_letter

    ids = list(
        Notice.objects.filter(status="held", channels="letter")
        .order_by("pk")
        .values_list("pk", flat=True)[: count * 2]
    )
    if len(ids) < count * 2:
        raise RuntimeError(f"só {len(ids)} cartas só de papel; {count * 2} pedidas")
    cold, warm = ids[:count], ids[count:]
    # Approved without the reviewer's rendering: awaiting_post with no PDF stored (cold).
    for pk in ids:
        notice = Notice.objects.get(pk=pk)
        lifecycle.move(notice, lifecycle.APPROVE_LETTER)
    result: dict[str, Any] = {"letters": count}
    # Fonts, stylesheet and templates loaded outside the clock, as the floor does.
    first = Notice.objects.select_related("branch", "customer", "template").get(pk=warm[0])
    render_pdf(notice_letter_document(first))
    for label, chosen in (("cold", cold), ("warm", warm)):
        if label == "warm":  # as approval leaves them: the PDF stored
            for notice in Notice.objects.filter(pk__in=chosen).select_related(
                "branch", "customer", "template"
            ):
                Notice.objects.filter(pk=notice.pk).update(pdf=render_letter(notice))
        # A batch of exactly these letters (create_batch takes the whole queue).
        number = (PrintBatch.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        batch = PrintBatch.objects.create(number=number, created_by="bench", total=len(chosen))
        Notice.objects.filter(pk__in=chosen).update(print_batch=batch)
        started = time.perf_counter()
        built = printing.build(batch.pk)
        result[f"{label}_seconds"] = time.perf_counter() - started
        result[f"{label}_letters"] = built.letters
    htmls = [
        notice_letter_document(n)
        for n in Notice.objects.filter(pk__in=cold).select_related("branch", "customer", "template")
    ]
    result.update(_weasyprint_floor(htmls))
    return result


def b7(bench: "Bench", engine: "Engine") -> list["Row"]:
    """The B7 rows: Revisão's list at two sizes, a bulk approval, a print batch."""
    from bench.report import Row, count, per_second
    from bench.suite import guarded

    quick = bench.sizes.b3_notices < 1000
    small, large = (200, 2_000) if quick else (1_000, 10_000)
    approvals, printed = (20, 10) if quick else (1_000, 500)
    rows: list[Row] = []
    db = engine.database("b7")
    try:
        listed: dict[int, float] = {}
        for size in (small, large):
            bench.py("bench.day", "held", "--count", size - (small if listed else 0), db=db)

            def list_row(size: int = size) -> Row:
                result = bench.py("bench.day", "review-list", "--pages", 5, db=db)
                listed[size] = result["seconds"]
                row = Row(
                    "B7 Revisão list",
                    engine.label,
                    count(result["held"], "cartas em revisão"),
                    seconds=result["seconds"],
                    goal="< 0,3 s" + (", < 2× de 1.000 a 10.000" if size == large else ""),
                )
                grows = listed[size] / listed[small] if size == large else 1.0
                if size == large:
                    row.ratio = f"{grows:.2f}× of {count(small, 'cartas')}"
                row.met = result["seconds"] < 0.3 and grows < 2 and result["pdfs_built"] == 0
                return row

            rows.append(guarded("B7 Revisão list", engine, count(size, "cartas"), list_row))

        def approve_row() -> Row:
            result = bench.py("bench.day", "approve", "--count", approvals, db=db)
            return Row(
                "B7 bulk approval",
                engine.label,
                count(result["letters"], "cartas"),
                seconds=result["seconds"],
                rate=per_second(result["approved"], result["seconds"], "cartas"),
            )

        rows.append(guarded("B7 bulk approval", engine, count(approvals, "cartas"), approve_row))

        def print_rows() -> Row:
            result = bench.py("bench.day", "print", "--count", printed, db=db)
            floor = result["weasyprint_seconds"]
            size = count(result["letters"], "cartas")
            warm = Row(
                "B7 print batch (PDFs stored)",
                engine.label,
                size,
                seconds=result["warm_seconds"],
                rate=per_second(result["warm_letters"], result["warm_seconds"], "cartas"),
                floor=f"WeasyPrint {floor:.2f} s",
                ratio=f"{floor / result['warm_seconds']:.2f}×",
                goal="≥ 0,8× WeasyPrint",
                met=floor / result["warm_seconds"] >= 0.8,
            )
            cold = Row(
                "B7 print batch (rendered)",
                engine.label,
                size,
                seconds=result["cold_seconds"],
                rate=per_second(result["cold_letters"], result["cold_seconds"], "cartas"),
                floor=f"WeasyPrint {floor:.2f} s",
                ratio=f"{floor / result['cold_seconds']:.2f}×",
                goal="≥ 0,8× WeasyPrint",
                met=floor / result["cold_seconds"] >= 0.8,
            )
            rows.append(cold)
            return warm

        rows.append(guarded("B7 print batch", engine, count(printed, "cartas"), print_rows))
    finally:
        db.drop()
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.day")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("held").add_argument("--count", type=int, required=True)
    sub.add_parser("review-list").add_argument("--pages", type=int, default=5)
    sub.add_parser("approve").add_argument("--count", type=int, required=True)
    sub.add_parser("print").add_argument("--count", type=int, required=True)
    args = parser.parse_args(argv)
    _setup()
    if args.what == "held":
        result = held(args.count)
    elif args.what == "review-list":
        result = review_list(args.pages)
    elif args.what == "approve":
        result = approve(args.count)
    else:
        result = print_batch(args.count)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
