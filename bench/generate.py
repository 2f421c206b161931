"""Deterministic benchmark data, written straight into the database.

Run as a child with the bench database's environment::

    python -m bench.generate dataset --customers 200000 --receivables 1000000 --date 2026-03-02
    python -m bench.generate dataset --shape dense --customers 200000 --receivables 1000000 …
    python -m bench.generate more --receivables 5000 --days 1:10 --date 2026-03-02
    python -m bench.generate csv FILE --customers 200000 --receivables 1000000 --date 2026-03-02

Rows go in by ``executemany`` on SQLite and by ``COPY`` on PostgreSQL. Columns
the benchmark does not care about get their model defaults, read from the
models themselves, so a field added later by another app keeps the generator
working. The same arguments always give the same rows.
"""

import argparse
import csv
import datetime
import json
import os
import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django

# Five ranges in the spirit of routine 1213: a reminder before the due date, then
# three e-mail escalations and an extrajudicial notice held for review (R8).
RANGES: list[tuple[str, int, int, int, str]] = [
    ("Lembrete", -5, -1, 1, "email"),
    ("Atraso inicial", 1, 10, 1, "email"),
    ("Atraso", 11, 30, 2, "email"),
    ("Atraso grave", 31, 60, 2, "email"),
    ("Notificação", 61, 90, 3, "email_and_letter"),
]
# Days overdue of the generated títulos: from 90 days before the due date to 90 after.
DEFAULT_DAYS = (-90, 90)


@dataclass(frozen=True)
class Shape:
    """How a data set's títulos spread over days overdue (customers and títulos are sizes)."""

    name: str
    days: tuple[int, int]
    description: str


# The ranges cover 95 of the days overdue (−5..−1 and 1..90): today's shape puts
# 95 of 181 days, about half the títulos, in a range; issue 18's harder one, 95
# of 116, about 82 % (its 1,000,000 títulos of 200,000 customers had 821,000).
SHAPES = {
    "spread": Shape(
        "spread",
        DEFAULT_DAYS,
        "títulos spread from 90 days before due to 90 after, ~52 % in a range",
    ),
    "dense": Shape(
        "dense", (-25, 90), "títulos spread from 25 days before due to 90 after, ~82 % in a range"
    ),
}
DEFAULT_SHAPE = "spread"


def in_a_range(days_overdue: int) -> bool:
    return any(start <= days_overdue <= end for _, start, end, _, _ in RANGES)


BRANCHES = 4
SEED = 1213
BATCH = 20_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regua.settings")
    django.setup()


# --- what the rows hold -------------------------------------------------------------


def branch_rows(count: int) -> list[dict[str, Any]]:
    states = [("SP", "São Paulo"), ("MG", "Belo Horizonte"), ("PR", "Curitiba"), ("BA", "Salvador")]
    rows = []
    for n in range(1, count + 1):
        state, city = states[(n - 1) % len(states)]
        rows.append(
            {
                "id": n,
                "code": str(n),
                "legal_name": f"DISTRIBUIDORA BENCH {n} LTDA",
                "trade_name": f"Bench {n}",
                "cnpj": "11.222.333/0001-81",
                "address": f"Avenida Industrial, {100 * n}",
                "district": "Distrito Industrial",
                "city": city,
                "state": state,
                "zip_code": "01001-000",
                "phone": "(11) 3000-0000",
                "email": f"cobranca{n}@bench.example.com.br",
                "pix_key": f"cobranca{n}@bench.example.com.br",
            }
        )
    return rows


def customer_code(n: int) -> str:
    return f"C{n:07d}"


def customer_rows(count: int, *, all_with_email: bool) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED)
    for n in range(1, count + 1):
        roll = rng.random()
        email = f"cliente{n}@cliente.example.com.br"
        billing = ""
        if not all_with_email and roll < 0.03:
            email = ""  # R7: no valid address, the notice is skipped
        elif roll < 0.15:
            billing = f"financeiro{n}@cliente.example.com.br; contas{n}@cliente.example.com.br"
        yield {
            "id": n,
            "code": customer_code(n),
            "name": f"CLIENTE BENCH {n} COMERCIO LTDA",
            "document": "",
            "email": email,
            "billing_email": billing,
            "city": "São Paulo",
            "state": "SP",
            "do_not_dun": (not all_with_email) and 0.03 <= roll < 0.04,
        }


def digitable_line(n: int) -> str:
    digits = f"{n:047d}"
    return f"{digits[:5]}.{digits[5:10]} {digits[10:15]}.{digits[15:21]} {digits[21:26]}.{digits[26:32]} {digits[32]} {digits[33:]}"


def receivable_rows(
    *,
    first_id: int,
    count: int,
    customers: int,
    branches: int,
    reference: datetime.date,
    days: tuple[int, int],
    collections: dict[str, Any],
    one_per_customer: bool,
    seed: int,
    realistic: bool,
) -> Iterator[dict[str, Any]]:
    """Open títulos spread over due dates; ``realistic`` adds partial payments,
    a few undunnable collection codes and blocked títulos (R4)."""
    rng = random.Random(seed)
    low, high = days
    for offset in range(count):
        n = first_id + offset
        customer = (offset % customers) + 1 if one_per_customer else rng.randrange(customers) + 1
        branch = (customer % branches) + 1
        if realistic and rng.random() < 0.1:
            branch = rng.randrange(branches) + 1
        overdue = rng.randint(low, high)
        due = reference - datetime.timedelta(days=overdue)
        amount = Decimal(rng.randint(5_000, 900_000)) / 100
        paid = Decimal("0.00")
        collection = "BK"
        blocked = False
        if realistic:
            roll = rng.random()
            if roll < 0.05:
                paid = (amount / 2).quantize(Decimal("0.01"))
            elif roll < 0.07:
                collection = "DESD"
            elif roll < 0.15:
                collection = "CART"
            elif roll < 0.16:
                blocked = True
        yield {
            "id": n,
            "branch_id": branch,
            "document": f"{n:09d}",
            "installment": str(1 + n % 6),
            "customer_id": customer,
            "issue_date": due - datetime.timedelta(days=30 * (1 + n % 6)),
            "due_date": due,
            "amount": amount,
            "paid_amount": paid,
            "collection_id": collections[collection],
            "digitable_line": digitable_line(n) if collection == "BK" else "",
            "our_number": f"{n:011d}" if collection == "BK" else "",
            "do_not_dun": blocked,
        }


# --- writing them -------------------------------------------------------------------


def insert_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Bulk-insert dicts of field attnames; every other column gets its model default."""
    from django.db import connection, transaction
    from django.utils import timezone

    meta = model._meta
    rows = iter(rows)
    try:
        first = next(rows)
    except StopIteration:
        return 0
    given = [meta.get_field(name) for name in first]
    given_names = {f.attname for f in given}
    constants = []
    now = timezone.now()
    for field in meta.concrete_fields:
        if field.attname in given_names or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        if field.get_internal_type() == "JSONField":
            prepared: Any = json.dumps(value)
        else:
            prepared = field.get_db_prep_save(value, connection)
        constants.append((field.column, prepared))
    columns = [f.column for f in given] + [c for c, _ in constants]
    tail = tuple(v for _, v in constants)
    keys = list(first)

    def values(chunk: Iterable[dict[str, Any]]) -> Iterator[tuple]:
        for row in chunk:
            yield tuple(row[k] for k in keys) + tail

    table = meta.db_table
    written = 0
    chunk = [first]
    if connection.vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in values(_chain(chunk, rows)):
                copy.write_row(row)
                written += 1
    else:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        statement_text = (
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"  # noqa: S608 - names from the models
        )
        for batch in _batches(_chain(chunk, rows), BATCH):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(statement_text, list(values(batch)))
            written += len(batch)
    return written


def _chain(head: list[dict[str, Any]], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from head
    yield from rest


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def reset_sequences(models: Sequence[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze() -> None:
    """PostgreSQL's autovacuum would have analysed a table this size within a minute."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def collections() -> dict[str, int]:
    from regua.receivables.models import CollectionType

    CollectionType.objects.get_or_create(
        code="BK", defaults={"description": "BANCO - BOLETO", "dunnable": True}
    )
    CollectionType.objects.get_or_create(
        code="CART", defaults={"description": "CARTEIRA", "dunnable": True}
    )
    return dict(CollectionType.objects.values_list("code", "id"))


def ranges() -> None:
    from regua.dunning.models import DelayRange
    from regua.letters.models import LetterTemplate

    templates = {t.number: t for t in LetterTemplate.objects.all()}
    for name, start, end, template, generation in RANGES:
        DelayRange.objects.get_or_create(
            start_day=start,
            end_day=end,
            defaults={"name": name, "template": templates[template], "generation": generation},
        )


def dataset(args: argparse.Namespace) -> dict[str, Any]:
    from regua.receivables.models import Branch, Customer, Receivable

    reference = datetime.date.fromisoformat(args.date)
    insert_rows(Branch, branch_rows(args.branches))
    insert_rows(Customer, customer_rows(args.customers, all_with_email=args.all_with_email))
    codes = collections()
    written = insert_rows(
        Receivable,
        receivable_rows(
            first_id=1,
            count=args.receivables,
            customers=args.customers,
            branches=args.branches,
            reference=reference,
            days=args.days,
            collections=codes,
            one_per_customer=args.one_per_customer,
            seed=SEED,
            realistic=not args.all_with_email,
        ),
    )
    reset_sequences([Branch, Customer, Receivable])
    ranges()
    if args.smtp_port:
        from bench.workloads import email_settings

        email_settings(args.smtp_port)
    analyze()
    return {"branches": args.branches, "customers": args.customers, "receivables": written}


def more(args: argparse.Namespace) -> dict[str, Any]:
    """One new título per customer (B3's next round: new notices for the same customers)."""
    from django.db.models import Max

    from regua.receivables.models import Branch, Customer, Receivable

    reference = datetime.date.fromisoformat(args.date)
    first = (Receivable.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    customers = Customer.objects.count()
    written = insert_rows(
        Receivable,
        receivable_rows(
            first_id=first,
            count=args.receivables,
            customers=customers,
            branches=Branch.objects.count(),
            reference=reference,
            days=args.days,
            collections=collections(),
            one_per_customer=True,
            seed=SEED + first,
            realistic=False,
        ),
    )
    reset_sequences([Receivable])
    analyze()
    return {"receivables": written}


CSV_HEADER = [
    "branch",
    "document",
    "installment",
    "customer",
    "issue_date",
    "due_date",
    "amount",
    "paid_amount",
    "collection",
    "digitable_line",
    "our_number",
    "blocked",
]


def _money(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def write_csv(args: argparse.Namespace) -> dict[str, Any]:
    """A títulos file as an ERP exports it: ``;``-separated, dd/mm/aaaa, decimal comma."""
    reference = datetime.date.fromisoformat(args.date)
    rows = receivable_rows(
        first_id=1,
        count=args.receivables,
        customers=args.customers,
        branches=args.branches,
        reference=reference,
        days=args.days,
        collections={"BK": "BK", "CART": "CART", "DESD": "DESD"},
        one_per_customer=False,
        seed=SEED,
        realistic=True,
    )
    written = 0
    with open(args.file, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(CSV_HEADER)
        for row in rows:
            out.writerow(
                [
                    str(row["branch_id"]),
                    row["document"],
                    row["installment"],
                    customer_code(row["customer_id"]),
                    f"{row['issue_date']:%d/%m/%Y}",
                    f"{row['due_date']:%d/%m/%Y}",
                    _money(row["amount"]),
                    _money(row["paid_amount"]),
                    row["collection_id"],
                    row["digitable_line"],
                    row["our_number"],
                    "S" if row["do_not_dun"] else "",
                ]
            )
            written += 1
    return {"rows": written, "bytes": os.path.getsize(args.file)}


def _parse_days(text: str) -> tuple[int, int]:
    low, high = (int(part) for part in text.split(":"))
    return low, high


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    sub = parser.add_subparsers(dest="what", required=True)
    for name in ("dataset", "more"):
        p = sub.add_parser(name)
        p.add_argument("--receivables", type=int, required=True)
        p.add_argument("--date", required=True, help="data de referência AAAA-MM-DD")
        p.add_argument("--days", type=_parse_days, default=None)
        if name == "dataset":
            p.add_argument("--customers", type=int, required=True)
            p.add_argument(
                "--shape",
                choices=sorted(SHAPES),
                default=DEFAULT_SHAPE,
                help="distribuição dos dias de atraso (--days a substitui)",
            )
            p.add_argument("--branches", type=int, default=BRANCHES)
            p.add_argument("--one-per-customer", action="store_true")
            p.add_argument("--all-with-email", action="store_true")
            p.add_argument("--smtp-port", type=int, help="aponta o e-mail da Régua para o sink")
    p = sub.add_parser("csv")
    p.add_argument("file")
    p.add_argument("--receivables", type=int, required=True)
    p.add_argument("--customers", type=int, required=True)
    p.add_argument("--branches", type=int, default=BRANCHES)
    p.add_argument("--date", required=True)
    p.add_argument("--days", type=_parse_days, default=DEFAULT_DAYS)
    args = parser.parse_args(argv)
    if args.days is None:
        args.days = SHAPES[getattr(args, "shape", DEFAULT_SHAPE)].days
    if args.what == "csv":
        print(json.dumps(write_csv(args)))
        return 0
    _setup()
    result = dataset(args) if args.what == "dataset" else more(args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
