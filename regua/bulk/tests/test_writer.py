"""PostgreSQL writes an import's rows from a second thread: its errors still reach the import."""

import pytest
from django.db import IntegrityError, connection, transaction

from regua.bulk.sql import BackgroundWriter, adapt
from regua.receivables.models import Branch
from regua.receivables.tests.helpers import load_branches

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="only PostgreSQL writes in the background"
    ),
]


def branch_row(code: str) -> tuple[list[str], list[object]]:
    fields = [f for f in Branch._meta.concrete_fields if not f.primary_key]
    given = {"code": code, "legal_name": "OUTRA LTDA"}
    return [f.attname for f in fields], [
        given.get(f.attname, adapt(f, f.get_default())) for f in fields
    ]


def test_rows_written_in_the_background_are_there_after_drain():
    writer = BackgroundWriter()
    try:
        attnames, row = branch_row("77")
        writer.insert(Branch, attnames, [row])
        writer.drain()
    finally:
        writer.close()
    assert Branch.objects.get(code="77").legal_name == "OUTRA LTDA"


def test_a_refused_row_raises_djangos_error_at_drain_and_writes_nothing():
    load_branches()
    with pytest.raises(IntegrityError), transaction.atomic():
        writer = BackgroundWriter()
        try:
            attnames, row = branch_row("1")  # already registered
            writer.insert(Branch, attnames, [branch_row("78")[1]])
            writer.insert(Branch, attnames, [row])
            writer.drain()
        finally:
            writer.close()
    assert not Branch.objects.filter(code="78").exists()
    assert Branch.objects.filter(code="1").count() == 1
