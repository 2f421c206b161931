"""The Django internals regua.bulk relies on, pinned: an upgrade that moves one fails here.

Each test names what ``regua/bulk/sql.py`` uses and checks it still exists and
still behaves as the bulk code assumes, on the database the suite runs on.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from regua.bulk.sql import Lookup, adapt, in_chunks, insert_rows, update_instances, update_rows
from regua.receivables.models import Branch, Customer, Receivable
from regua.test import make_branch, make_customer, make_receivable

pytestmark = pytest.mark.django_db


def test_the_model_meta_gives_concrete_fields_with_attname_column_and_the_table():
    fields = {f.attname: f for f in Receivable._meta.concrete_fields}

    assert fields["branch_id"].column == "branch_id"
    assert fields["due_date"].column == "due_date"
    assert Receivable._meta.db_table == "receivables_receivable"
    assert Receivable._meta.pk is not None and Receivable._meta.pk.column == "id"


def test_the_backend_quotes_names_and_adapts_aware_datetimes():
    assert connection.ops.quote_name("due_date") == '"due_date"'
    moment = timezone.now()
    adapted = connection.ops.adapt_datetimefield_value(moment)
    assert adapted is not None
    field = Customer._meta.get_field("invalid_emails")
    assert field.get_db_prep_save(["a@b.com.br"], connection) is not None
    assert adapt(field, ["a@b.com.br"]) is not None


def test_fields_give_their_cast_type_their_column_and_its_converters():
    due = Receivable._meta.get_field("due_date")
    amount = Receivable._meta.get_field("amount")

    assert due.cast_db_type(connection)
    assert amount.cast_db_type(connection)
    column = due.get_col(Receivable._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    assert isinstance(converters, list)


def test_the_cursor_wrapper_keeps_the_drivers_cursor_and_its_rowcount():
    with connection.cursor() as cursor:
        assert isinstance(cursor, CursorWrapper)
        assert cursor.cursor is not None
        if connection.vendor == "postgresql":
            assert callable(cursor.cursor.copy)  # psycopg 3's COPY
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert callable(connection.ensure_connection)
    assert hasattr(connection, "wrap_database_errors")


def test_rows_written_in_bulk_read_back_through_the_orm_as_written():
    branch, customer = make_branch("1"), make_customer("C1")
    unsaved = Receivable(
        branch=branch,
        customer=customer,
        document="D1",
        installment="1",
        due_date=datetime.date(2026, 11, 20),
        amount=Decimal("10.50"),
    )
    fields = [f for f in Receivable._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(unsaved, f.attname) is None and isinstance(
            f, (type(Receivable._meta.get_field("updated_at")))
        ):
            setattr(unsaved, f.attname, timezone.now())
    insert_rows(
        Receivable, [f.attname for f in fields], [[getattr(unsaved, f.attname) for f in fields]]
    )
    written = Receivable.objects.get(document="D1")
    assert (written.due_date, written.amount) == (datetime.date(2026, 11, 20), Decimal("10.50"))

    found = list(Lookup(Receivable, ["document", "due_date", "amount", "cancelled"], "document")(
        ["D1"]
    ))  # fmt: skip
    assert found == [("D1", datetime.date(2026, 11, 20), Decimal("10.50"), False)]


def test_a_guarded_update_writes_only_rows_that_still_hold_the_guard_and_counts_them():
    branch, customer = make_branch("1"), make_customer("C1")
    first = make_receivable(branch, customer, datetime.date(2026, 11, 20), "10.00", document="A")
    second = make_receivable(branch, customer, datetime.date(2026, 11, 20), "20.00", document="B")
    Receivable.objects.filter(pk=second.pk).update(cancelled=True)

    written = update_rows(
        Receivable,
        ["paid_amount"],
        [(first.pk, [Decimal("1.00")]), (second.pk, [Decimal("2.00")])],
        where={"cancelled": False},
    )

    assert written == 1
    amounts = dict(Receivable.objects.values_list("document", "paid_amount"))
    assert amounts == {"A": Decimal("1.00"), "B": Decimal("0.00")}
    first.paid_amount = Decimal("3.00")
    assert update_instances([first], ["paid_amount"]) == 1
    assert Receivable.objects.get(pk=first.pk).paid_amount == Decimal("3.00")


def test_look_ups_come_in_chunks_the_database_accepts():
    chunks = list(in_chunks(range(100_000)))

    assert sum(len(c) for c in chunks) == 100_000
    assert max(len(c) for c in chunks) <= (32766 if connection.vendor == "sqlite" else 10000)
    assert Branch.objects.count() == 0
