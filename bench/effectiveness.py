"""B6: the effectiveness report over a run's history, beside a plain scan of the same rows.

The history is a real run's (``execute_run`` over the B1 dataset: at full size
1,000,000 títulos and about 200,000 notices), its notices marked sent on the
reference date and a third of its títulos paid 1 to 40 days later, plus some
payments of títulos that got no notice. Régua's side is the real console
script (``regua report effectiveness --from … --to … --json`` over the run's day
to the last payment's); the floor reads the same rows
(notice items joined to their notices, the payment events, the títulos) once,
with the bare driver, summing a column of each::

    python -m bench.effectiveness run --date 2026-03-02
    python -m bench.effectiveness prepare --date 2026-03-02
    python -m bench.effectiveness scan
"""

import argparse
import datetime
import json
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bench.floors import connect

if TYPE_CHECKING:
    from bench.databases import Engine
    from bench.report import Row
    from bench.suite import Bench


def run(reference: datetime.date) -> dict[str, Any]:
    """The history: a real run through ``execute_run`` (its notices left pending)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regua.settings")
    django.setup()
    from regua.dunning.runs import execute_run

    started = time.perf_counter()
    execute_run(reference, user="bench")
    return {"seconds": time.perf_counter() - started}


def prepare(reference: datetime.date) -> dict[str, Any]:
    """Mark the run's notices sent on ``reference`` and record payments after them."""
    conn, vendor = connect()
    cursor = conn.cursor()
    mark = "?" if vendor == "sqlite" else "%s"
    # The modulo operator, escaped where "%" marks a parameter.
    mod = "%" if vendor == "sqlite" else "%%"
    sent_at = datetime.datetime.combine(reference, datetime.time(13, 0), tzinfo=datetime.UTC)
    if vendor == "sqlite":
        paid_on = f"date({mark}, '+' || (1 + i.id {mod} 40) || ' days')"
        other_day = f"date({mark}, '+3 days')"
        sent_value: Any = sent_at.strftime("%Y-%m-%d %H:%M:%S")
        now: Any = sent_value
    else:
        paid_on = f"(CAST({mark} AS date) + CAST(1 + i.id {mod} 40 AS integer))"
        other_day = f"(CAST({mark} AS date) + 3)"
        sent_value = now = sent_at
    cursor.execute(
        f"UPDATE dunning_notice SET status = 'sent', sent_at = {mark}",  # noqa: S608
        (sent_value,),
    )
    cursor.execute(
        "INSERT INTO receivables_paymentevent"  # noqa: S608 - fixed fragments and parameters
        " (receivable_id, amount, paid_date, kind, source_id, recorded_at)"
        f" SELECT i.receivable_id, i.balance, {paid_on}, 'payment', NULL, {mark}"
        f" FROM dunning_noticeitem i WHERE i.id {mod} 3 = 0",
        (reference, now),
    )
    cursor.execute(
        "INSERT INTO receivables_paymentevent"  # noqa: S608 - fixed fragments and parameters
        " (receivable_id, amount, paid_date, kind, source_id, recorded_at)"
        f" SELECT r.id, r.amount - r.paid_amount, {other_day}, 'payment', NULL, {mark}"
        f" FROM receivables_receivable r WHERE r.id {mod} 7 = 0 AND r.amount > r.paid_amount"
        " AND NOT EXISTS (SELECT 1 FROM dunning_noticeitem i WHERE i.receivable_id = r.id)",
        (reference, now),
    )
    conn.commit()
    counts = {}
    for name, table in (
        ("notices", "dunning_notice"),
        ("items", "dunning_noticeitem"),
        ("payments", "receivables_paymentevent"),
        ("receivables", "receivables_receivable"),
    ):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
        counts[name] = cursor.fetchone()[0]
    if vendor == "postgresql":
        conn.commit()
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute("ANALYZE")
    conn.close()
    return counts


def scan() -> dict[str, Any]:
    """The floor: read every row the report reads once, summing a column of each."""
    conn, _ = connect()
    cursor = conn.cursor()
    started = time.perf_counter()
    cursor.execute(
        "SELECT count(*), sum(i.balance), max(n.sent_at) FROM dunning_noticeitem i"
        " JOIN dunning_notice n ON n.id = i.notice_id"
    )
    items = cursor.fetchone()
    cursor.execute("SELECT count(*), sum(amount), max(paid_date) FROM receivables_paymentevent")
    payments = cursor.fetchone()
    cursor.execute("SELECT count(*), sum(amount - paid_amount) FROM receivables_receivable")
    receivables = cursor.fetchone()
    seconds = time.perf_counter() - started
    conn.close()
    return {"seconds": seconds, "rows": int(items[0] + payments[0] + receivables[0])}


def b6(bench: "Bench", engine: "Engine") -> list["Row"]:
    """The B6 row: run, prepare, then the report beside the scan (fastest of three)."""
    from bench.report import Row, count
    from bench.suite import REFERENCE_DATE, guarded, unavailable

    s = bench.sizes
    size = count(s.b1_receivables, "títulos")
    if "report" not in bench.caps.commands:
        return [unavailable("B6 effectiveness report", engine, size)]

    def work() -> Row:
        db = engine.database("b6")
        try:
            bench.dataset(db, s.b1_customers, s.b1_receivables)
            bench.py("bench.effectiveness", "run", "--date", REFERENCE_DATE, db=db)
            counts = bench.py("bench.effectiveness", "prepare", "--date", REFERENCE_DATE, db=db)
            # The period of the history: the run's day to the last payment's.
            until = datetime.date.fromisoformat(REFERENCE_DATE) + datetime.timedelta(days=40)
            result = bench.regua(
                "report",
                "effectiveness",
                "--from",
                REFERENCE_DATE,
                "--to",
                until.isoformat(),
                "--json",
                db=db,
            )
            floor = min(
                (bench.py("bench.effectiveness", "scan", db=db) for _ in range(3)),
                key=lambda f: f["seconds"],
            )
        finally:
            db.drop()
        ratio = result.seconds / floor["seconds"]
        row = Row(
            "B6 effectiveness report",
            engine.label,
            count(counts["receivables"], "títulos"),
            result.seconds,
            f"{counts['items'] / result.seconds:,.0f} items/s",
            f"{floor['seconds']:.2f} s (scan {floor['rows']:,} rows)",
            f"{ratio:.1f}× floor time",
            result.peak_mb,
            "≤ 3× floor",
            ratio <= 3,
        )
        row.notes.append(
            f"{counts['notices']:,} notices, {counts['items']:,} items,"
            f" {counts['payments']:,} payments; the command's time includes starting Python"
        )
        return row

    return [guarded("B6 effectiveness report", engine, size, work)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.effectiveness")
    sub = parser.add_subparsers(dest="what", required=True)
    for name in ("run", "prepare"):
        p = sub.add_parser(name)
        p.add_argument("--date", required=True)
    sub.add_parser("scan")
    args = parser.parse_args(argv)
    if args.what == "scan":
        result = scan()
    else:
        date = datetime.date.fromisoformat(args.date)
        result = run(date) if args.what == "run" else prepare(date)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
