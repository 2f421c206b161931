"""The benchmark's data shapes and floors do what bench/ says (their timings are not tested)."""

import datetime
import io
import json
from collections import Counter

import pytest

from bench import floors
from bench.generate import RANGES, SHAPES, in_a_range, receivable_rows

REFERENCE = datetime.date(2026, 3, 2)


def _rows(shape: str, receivables: int, customers: int) -> list[dict]:
    return list(
        receivable_rows(
            first_id=1,
            count=receivables,
            customers=customers,
            branches=4,
            reference=REFERENCE,
            days=SHAPES[shape].days,
            collections={"BK": 1, "CART": 2, "DESD": 3},
            one_per_customer=False,
            seed=1213,
            realistic=True,
        )
    )


def _share_in_a_range(rows: list[dict]) -> float:
    inside = sum(in_a_range((REFERENCE - row["due_date"]).days) for row in rows)
    return inside / len(rows)


@pytest.mark.parametrize(("shape", "share"), [("spread", 95 / 181), ("dense", 95 / 116)])
def test_each_shape_puts_its_share_of_the_titulos_in_a_range(shape, share):
    # Issue 18's shape at a fiftieth of its size: 20,000 títulos of 4,000 customers.
    rows = _rows(shape, 20_000, 4_000)

    assert _share_in_a_range(rows) == pytest.approx(share, abs=0.015)
    customers = Counter(row["customer_id"] for row in rows)
    assert set(customers) <= set(range(1, 4_001))
    assert len(customers) > 3_900  # five títulos a customer on average
    assert sum(customers.values()) == 20_000


def test_the_dense_shape_is_the_harder_one():
    assert 0.78 <= _share_in_a_range(_rows("dense", 5_000, 1_000)) <= 0.85
    assert _share_in_a_range(_rows("spread", 5_000, 1_000)) < 0.6


def test_the_json_floor_writes_the_dry_runs_document_shape():
    ranges = [
        (n, start, end, generation, template)
        for n, (_, start, end, template, generation) in enumerate(RANGES, 1)
    ]
    due = REFERENCE - datetime.timedelta(days=70)
    row = (1, 1, "1", 7, "C0000007", "000000001", "1", due.isoformat(), 150.5, 50.0)
    rows = [
        (*row, None, False, None, False, None, "c7@example.com.br", ""),
        (2, 1, "1", 7, "C0000007", "000000002", "2", (REFERENCE - datetime.timedelta(days=3)))
        + (99.0, 0.0, None, False, None, False, None, "c7@example.com.br", ""),
        (3, 2, "2", 8, "C0000008", "000000003", "1", REFERENCE + datetime.timedelta(days=2))
        + (10.0, 0.0, None, False, None, False, None, "", "a@x.com.br; b@x.com.br"),
    ]
    out = io.StringIO()

    written = floors.json_notices(rows, ranges, REFERENCE, out)

    document = json.loads(out.getvalue())
    assert written["notices"] == 2
    assert set(document) == {"run", "date", "dry_run", "notices", "skipped"}
    first, second = document["notices"]
    assert list(first) == [
        "id", "branch", "customer", "status", "reason", "range", "template", "generation",
        "recipients", "receivables",
    ]  # fmt: skip
    assert first["range"] == {"id": 5, "start": 61, "end": 90}
    assert first["status"] == "held" and first["recipients"] == ["c7@example.com.br"]
    assert [item["days_overdue"] for item in first["receivables"]] == [70, 3]
    assert first["receivables"][0] == {
        "branch": "1",
        "document": "000000001",
        "installment": "1",
        "days_overdue": 70,
        "range": {"start": 61, "end": 90},
        "balance": "100.50",
    }
    assert second["recipients"] == ["a@x.com.br", "b@x.com.br"]
    assert second["range"]["start"] == -5 and second["status"] == "pending"


@pytest.fixture
def run_written(transactional_db, monkeypatch):
    """A real run's notices and items, committed, with DATABASE_URL naming the test database."""
    from conftest import database_url
    from regua.dunning.runs import execute_run
    from regua.test import make_branch, make_customer, make_range, make_receivable

    make_range(1, 30, 1, name="Aviso")
    branch = make_branch("1")
    for n in range(3):
        customer = make_customer(f"C{n}", billing_email=f"financeiro{n}@c.com.br")
        make_receivable(branch, customer, datetime.date(2026, 11, 20), "100.00")
        make_receivable(branch, customer, datetime.date(2026, 11, 10), "200.00")
    execute_run(datetime.date(2026, 11, 30), user="bench")
    monkeypatch.setenv("DATABASE_URL", database_url())


def _constraints(table: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return sorted(
        (tuple(c["columns"] or ()), c["unique"], c["primary_key"], c["index"], c["check"])
        + (c["foreign_key"] and c["foreign_key"][0].replace(floors.COPY_PREFIX, ""),)
        for c in found.values()
    )


def test_the_write_floor_copies_the_runs_rows_into_tables_like_theirs(run_written):
    from regua.dunning.models import Notice, NoticeItem

    conn, vendor = floors.connect()
    try:
        cursor = conn.cursor()
        (floors._sqlite_copies if vendor == "sqlite" else floors._postgres_copies)(cursor)
        conn.commit()
        for table in floors.WRITTEN:
            # The same columns, key, indexes (the partial unique one too) and constraints.
            assert _constraints(floors.COPY_PREFIX + table) == _constraints(table)
        floors._drop_copies(cursor)
        conn.commit()
    finally:
        conn.close()

    result = floors.write()

    assert result["tables"] == {
        "dunning_notice": Notice.objects.count(),
        "dunning_noticeitem": NoticeItem.objects.count(),
    }
    assert result["tables"]["dunning_noticeitem"] == 6
    from django.db import connection

    assert not [t for t in connection.introspection.table_names() if t.startswith("bench_floor")]


def test_the_benchmarks_help_lists_the_shapes(capsys):
    from bench.__main__ import main

    with pytest.raises(SystemExit) as exit:
        main(["--help"])

    assert exit.value.code == 0
    assert "~82 % in a range" in " ".join(capsys.readouterr().out.split())
