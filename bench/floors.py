"""The machine's own limits: the least work the same result needs, with no Régua in between.

Each floor runs as a child of its own (so its memory is its own) with the bench
database's environment, talks to the database through the bare driver
(sqlite3 or psycopg) and prints one JSON line with the seconds of the work::

    python -m bench.floors read --date 2026-03-02
    python -m bench.floors read --date 2026-03-02 --json
    python -m bench.floors insert-select --rows 650000
    python -m bench.floors write
    python -m bench.floors smtp --messages FILE --port 2525

``read`` and ``insert-select`` are issue 7's floors (B1's first rows). ``read
--json`` and ``write`` are the limits of issue 18: the same read with the
customer's addresses, then the dry run's JSON written from the rows with the
standard library; and the rows a real run wrote (its notices and their
items) copied by ``INSERT … SELECT`` into tables with the same columns,
indexes and constraints, foreign keys checked, as Régua's connection writes.
"""

import argparse
import datetime
import json
import os
import pickle  # noqa: S403 - only the file this harness wrote a moment ago
import re
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
# What a real run writes, row for row: the write floor copies these tables' rows.
WRITTEN = ("dunning_notice", "dunning_noticeitem")
COPY_PREFIX = "bench_floor_"


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


def read(reference: datetime.date, *, as_json: bool = False) -> dict[str, Any]:
    """Read the columns a decision needs for the open títulos in the ranges' due dates.

    No sort, no history check: one join to the branch and customer codes, one
    Python tuple per título. This is the least any selection must do.

    ``as_json`` also reads the customer's addresses (the notices' recipients)
    and then writes what ``regua run --dry-run --json`` writes, in its shape,
    from those rows (``json_notices``); the result then has the two times apart.
    """
    conn, vendor = connect()
    mark = "?" if vendor == "sqlite" else "%s"
    windows = _windows(reference)
    in_range = " OR ".join([f"(r.due_date BETWEEN {mark} AND {mark})"] * len(windows))
    params: list[Any] = [d for window in windows for d in window]
    if vendor == "sqlite":
        params = [d.isoformat() for d in params]
    false = "0" if vendor == "sqlite" else "false"
    addresses = ", c.email, c.billing_email" if as_json else ""
    query = f"""
        SELECT r.id, r.branch_id, b.code, r.customer_id, c.code, r.document, r.installment,
               r.due_date, r.amount, r.paid_amount, r.collection_id, r.do_not_dun,
               r.do_not_dun_until, c.do_not_dun, c.do_not_dun_until{addresses}
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
    kept: list[tuple[Any, ...]] = []
    while True:
        batch = cursor.fetchmany(2000)
        if not batch:
            break
        if as_json:
            kept.extend(tuple(row) for row in batch)
        else:
            for row in batch:
                _ = tuple(row)
        rows += len(batch)
    read_seconds = time.perf_counter() - started
    if not as_json:
        conn.close()
        return {"seconds": read_seconds, "rows": rows}
    cursor.execute(
        "SELECT d.id, d.start_day, d.end_day, d.generation, t.number FROM dunning_delayrange d"
        " JOIN letters_lettertemplate t ON t.id = d.template_id"
    )
    ranges = [tuple(r) for r in cursor.fetchall()]
    conn.close()
    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as out:
        written = json_notices(kept, ranges, reference, out)
    json_seconds = time.perf_counter() - started
    return {
        "seconds": read_seconds + json_seconds,
        "read_seconds": read_seconds,
        "json_seconds": json_seconds,
        "rows": rows,
        **written,
    }


def json_notices(
    rows: Sequence[tuple[Any, ...]],
    ranges: Sequence[tuple[int, int, int, str, int]],
    reference: datetime.date,
    out: Any,
) -> dict[str, int]:
    """``regua run --dry-run --json``'s document from ``read``'s rows, with ``json.dumps``.

    The same shape as the command's: one notice a line for each customer and
    branch (R6's default grouping), under the highest range among its títulos,
    its recipients, and every título as an item (days overdue, its range, the
    balance). No decision is taken, so no título is skipped: every one the read
    found is written.
    """
    by_day: dict[int, tuple[int, int, int, str, int]] = {}
    for delay_range in ranges:
        for day in range(delay_range[1], delay_range[2] + 1):
            by_day[day] = delay_range
    # One {"start", "end"} object a range, shared by its items; a due date's days
    # overdue and range worked out once per distinct date (as Régua's selection does).
    spans = {r: {"start": r[1], "end": r[2]} for r in ranges}
    days_of: dict[Any, tuple[int, Any]] = {}
    customers: dict[tuple[int, int], list[Any]] = {}
    for row in rows:
        due = row[7]
        known = days_of.get(due)
        if known is None:
            days = (
                reference - (datetime.date.fromisoformat(due) if isinstance(due, str) else due)
            ).days
            known = days_of[due] = (days, by_day.get(days))
        days, delay_range = known
        if delay_range is None:
            continue  # a window's edge moved by a weekend: not in a range today
        item = (row[2], row[5], row[6], days, delay_range, f"{row[8] - row[9]:.2f}")
        key = (row[1], row[3])
        notice = customers.get(key)
        if notice is None:
            customers[key] = [row[2], row[4], row[15], row[16], [item]]
        else:
            notice[4].append(item)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    out.write(f'{{"run": null, "date": "{reference.isoformat()}", "dry_run": true, "notices": [\n')
    size = 0
    first = True
    for branch, customer, email, billing, items in customers.values():
        top = max(items, key=lambda item: item[4][1])[4]
        recipients = [a.strip() for a in billing.split(";") if a.strip()] if billing else [email]
        line = dumps(
            {
                "id": None,
                "branch": branch,
                "customer": customer,
                "status": "held" if top[3] != "email" else "pending",
                "reason": None,
                "range": {"id": top[0], "start": top[1], "end": top[2]},
                "template": top[4],
                "generation": top[3],
                "recipients": recipients,
                "receivables": [
                    {
                        "branch": b,
                        "document": document,
                        "installment": installment,
                        "days_overdue": days,
                        "range": spans[r],
                        "balance": balance,
                    }
                    for b, document, installment, days, r, balance in items
                ],
            }
        )
        out.write(line if first else ",\n" + line)
        first = False
        size += len(line)
    out.write('\n], "skipped": [\n]}\n')
    return {"notices": len(customers), "json_chars": size}


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


# The page cache Régua's run writes with on SQLite (regua.bulk.import_cache: 64 MB).
SQLITE_CACHE_KIB = 64 * 1024


def write(*, keys: bool = True) -> dict[str, Any]:
    """Copy the rows a run wrote (``WRITTEN``) with ``INSERT … SELECT``, and commit.

    Into empty copies of those tables with their columns, CHECK and foreign-key
    constraints and every index (the partial unique one too), made from the
    database's own definitions, so a field or index added later is copied too.
    The items' key to the notices points at the copy of the notices. The
    connection is set as the run's: on SQLite foreign keys on, synchronous=NORMAL
    and its 64 MB page cache; on PostgreSQL the keys checked at each statement
    (regua.bulk.foreign_keys_checked_per_statement). ``keys=False`` leaves the
    foreign keys out, to show what checking them costs.
    """
    conn, vendor = connect()
    cursor = conn.cursor()
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if keys else 'OFF'}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    _drop_copies(cursor)
    conn.commit()
    if vendor == "sqlite":
        _sqlite_copies(cursor)
    else:
        _postgres_copies(cursor, keys=keys)
    conn.commit()
    columns = {table: _columns(cursor, vendor, table) for table in WRITTEN}
    started = time.perf_counter()
    if vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in WRITTEN:
        names = ", ".join(f'"{c}"' for c in columns[table])
        # A column list (not SELECT *): SQLite would otherwise copy the b-tree
        # pages whole (its transfer optimisation) when the keys are off.
        cursor.execute(
            f'INSERT INTO "{COPY_PREFIX}{table}" ({names}) SELECT {names} FROM "{table}"'  # noqa: S608 - names from the database's catalogue
        )
    conn.commit()
    seconds = time.perf_counter() - started
    written = {}
    for table in WRITTEN:
        cursor.execute(f'SELECT count(*) FROM "{COPY_PREFIX}{table}"')  # noqa: S608
        written[table] = cursor.fetchone()[0]
    if vendor == "sqlite":
        # Dropping a table with keys on deletes its rows one by one first: not timed, but slow.
        cursor.execute("PRAGMA foreign_keys = OFF")
    _drop_copies(cursor)
    conn.commit()
    conn.close()
    return {"seconds": seconds, "rows": sum(written.values()), "tables": written, "keys": keys}


def _drop_copies(cursor: Any) -> None:
    for table in reversed(WRITTEN):
        cursor.execute(f'DROP TABLE IF EXISTS "{COPY_PREFIX}{table}"')


def _renamed(text: str) -> str:
    """A definition with the written tables' names (quoted) turned into their copies'."""
    for table in WRITTEN:
        text = text.replace(f'"{table}"', f'"{COPY_PREFIX}{table}"')
    return text


def _sqlite_copies(cursor: Any) -> None:
    for table in WRITTEN:
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
            " ORDER BY type = 'index'",
            (table,),
        )
        for kind, definition in cursor.fetchall():
            if kind == "index":
                definition = re.sub(
                    r'^(CREATE (?:UNIQUE )?INDEX )"([^"]+)"',
                    lambda m: f'{m.group(1)}"{COPY_PREFIX}{m.group(2)}"',
                    definition,
                )
            cursor.execute(_renamed(definition))


def _postgres_copies(cursor: Any, *, keys: bool = True) -> None:
    for table in WRITTEN:
        copy = f"{COPY_PREFIX}{table}"
        # Columns, defaults, CHECK constraints, the key, every index; not the foreign keys.
        cursor.execute(f'CREATE TABLE "{copy}" (LIKE "{table}" INCLUDING ALL)')
        if not keys:
            continue
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            (table,),
        )
        for name, definition in cursor.fetchall():
            # pg_get_constraintdef names tables unquoted: REFERENCES dunning_notice(id)
            target = re.sub(
                r"REFERENCES (\w+)\(",
                lambda m: (
                    f'REFERENCES "{COPY_PREFIX}{m.group(1)}"('
                    if m.group(1) in WRITTEN
                    else m.group(0)
                ),
                definition,
            )
            cursor.execute(f'ALTER TABLE "{copy}" ADD CONSTRAINT "{COPY_PREFIX}{name}" {target}')


def _columns(cursor: Any, vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(f'PRAGMA table_info("{table}")')
        return [row[1] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
        " AND table_schema = current_schema() ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in cursor.fetchall()]


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
    p.add_argument("--json", action="store_true", help="também escreve o JSON do dry run")
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("insert-select")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("write")
    p.add_argument("--no-keys", action="store_true", help="sem as chaves estrangeiras")
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("smtp")
    p.add_argument("--messages", required=True)
    p.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # The floor is the machine at its best: the fastest of a few tries.
    if args.what == "read":
        date = datetime.date.fromisoformat(args.date)
        tries = (read(date, as_json=args.json) for _ in range(args.repeat))
        result = min(tries, key=lambda r: r["seconds"])
    elif args.what == "insert-select":
        tries = (insert_select(args.rows) for _ in range(args.repeat))
        result = min(tries, key=lambda r: r["seconds"])
    elif args.what == "write":
        tries = (write(keys=not args.no_keys) for _ in range(args.repeat))
        result = min(tries, key=lambda r: r["seconds"])
    else:
        result = smtp(args.messages, args.port)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
