"""The machine's own limits: the least work the same result needs, with no Régua in between.

Each floor runs as a child of its own (so its memory is its own) with the bench
database's environment, talks to the database through the bare driver
(sqlite3 or psycopg) and prints one JSON line with the seconds of the work::

    python -m bench.floors read --date 2026-03-02
    python -m bench.floors insert-select --rows 650000
    python -m bench.floors smtp --messages FILE --port 2525
"""

import argparse
import datetime
import json
import os
import pickle  # noqa: S403 - only the file this harness wrote a moment ago
import smtplib
import sqlite3
import sys
import time
from collections.abc import Sequence
from typing import Any

import dj_database_url
import psycopg

from bench.generate import RANGES

SCRATCH = "bench_scratch"


def connect(url: str | None = None) -> tuple[Any, str]:
    """A bare DB-API connection to ``url`` (else DATABASE_URL's database), and its vendor."""
    config = dj_database_url.parse(url or os.environ["DATABASE_URL"])
    if config["ENGINE"].endswith("sqlite3"):
        return sqlite3.connect(config["NAME"]), "sqlite"
    return (
        psycopg.connect(
            dbname=config["NAME"],
            user=config.get("USER") or "postgres",
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
        ),
        "postgresql",
    )


def _windows(reference: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    return [
        (reference - datetime.timedelta(days=end), reference - datetime.timedelta(days=start))
        for _, start, end, _, _ in RANGES
    ]


def read(reference: datetime.date) -> dict[str, Any]:
    """Read the columns a decision needs for the open títulos in the ranges' due dates.

    No sort, no history check: one join to the branch and customer codes, one
    Python tuple per título. This is the least any selection must do.
    """
    conn, vendor = connect()
    mark = "?" if vendor == "sqlite" else "%s"
    windows = _windows(reference)
    in_range = " OR ".join([f"(r.due_date BETWEEN {mark} AND {mark})"] * len(windows))
    params: list[Any] = [d for window in windows for d in window]
    if vendor == "sqlite":
        params = [d.isoformat() for d in params]
    false = "0" if vendor == "sqlite" else "false"
    query = f"""
        SELECT r.id, r.branch_id, b.code, r.customer_id, c.code, r.document, r.installment,
               r.due_date, r.amount, r.paid_amount, r.collection_id, r.do_not_dun,
               r.do_not_dun_until, c.do_not_dun, c.do_not_dun_until
        FROM receivables_receivable r
        JOIN receivables_branch b ON b.id = r.branch_id
        JOIN receivables_customer c ON c.id = r.customer_id
        WHERE r.cancelled = {false} AND r.settled = {false} AND r.amount > r.paid_amount
          AND ({in_range})
    """  # noqa: S608 - placeholders only; the values go as parameters
    started = time.perf_counter()
    cursor = conn.cursor()
    cursor.execute(query, params)
    rows = 0
    while True:
        batch = cursor.fetchmany(2000)
        if not batch:
            break
        for row in batch:
            _ = tuple(row)
        rows += len(batch)
    seconds = time.perf_counter() - started
    conn.close()
    return {"seconds": seconds, "rows": rows}


def insert_select(rows: int) -> dict[str, Any]:
    """Write ``rows`` rows shaped like a notice's items with one INSERT … SELECT, and commit."""
    conn, vendor = connect()
    cursor = conn.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
    cursor.execute(
        f"""CREATE TABLE {SCRATCH} (
            id bigint, receivable_id bigint, branch_id bigint, customer_id bigint,
            due_date date, effective_due_date date, days_overdue integer,
            range_start integer, range_end integer, balance numeric(14, 2), blocks boolean)"""
    )
    conn.commit()
    mark = "?" if vendor == "sqlite" else "%s"
    # Twice the títulos at most: a run writes one item per título plus its notices.
    query = f"""
        INSERT INTO {SCRATCH}
        SELECT r.id * 2 + k.n, r.id, r.branch_id, r.customer_id, r.due_date, r.due_date,
               30, 11, 30, r.amount - r.paid_amount, {"1" if vendor == "sqlite" else "true"}
        FROM receivables_receivable r CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1) k
        LIMIT {mark}
    """  # noqa: S608 - a constant table name and a parameter
    started = time.perf_counter()
    cursor.execute(query, (rows,))
    conn.commit()
    seconds = time.perf_counter() - started
    cursor.execute(f"SELECT count(*) FROM {SCRATCH}")  # noqa: S608
    written = cursor.fetchone()[0]
    cursor.execute(f"DROP TABLE {SCRATCH}")
    conn.commit()
    conn.close()
    return {"seconds": seconds, "rows": written}


def smtp(messages_path: str, port: int) -> dict[str, Any]:
    """Send pre-built messages over one SMTP connection to the sink."""
    with open(messages_path, "rb") as f:
        messages: list[tuple[str, list[str], bytes]] = pickle.load(f)  # noqa: S301
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as server:
        server.ehlo()
        for envelope_from, recipients, data in messages:
            server.sendmail(envelope_from, recipients, data)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "messages": len(messages)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floors")
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("read")
    p.add_argument("--date", required=True)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("insert-select")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("smtp")
    p.add_argument("--messages", required=True)
    p.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # The floor is the machine at its best: the fastest of a few tries.
    if args.what == "read":
        date = datetime.date.fromisoformat(args.date)
        result = min((read(date) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    elif args.what == "insert-select":
        tries = (insert_select(args.rows) for _ in range(args.repeat))
        result = min(tries, key=lambda r: r["seconds"])
    else:
        result = smtp(args.messages, args.port)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
