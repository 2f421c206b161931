import datetime

import pytest
import time_machine

from regua.receivables.models import Receivable
from regua.receivables.tests.helpers import RECEIVABLE_HEADER, csv_bytes, load_branches, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db


def rows(*documents: str, branch: str = "1") -> list[list[str]]:
    return [[branch, d, "1", "C1", "10/11/2026", "100,00"] for d in documents]


@pytest.fixture
def loaded():
    load_branches()
    make_customer("C1")
    result = run(
        "receivables", csv_bytes(RECEIVABLE_HEADER, rows("A", "B", "C") + rows("X", branch="2"))
    )
    assert result.created == 4


def settled() -> set[str]:
    return set(Receivable.objects.filter(settled=True).values_list("document", flat=True))


@time_machine.travel("2026-11-20 09:00 -03:00", tick=False)
def test_a_snapshot_settles_the_titulos_it_no_longer_lists(loaded):
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, rows("A", "C", "D")), snapshot=True)

    assert result.ok
    assert (result.created, result.unchanged, result.settled) == (1, 2, 1)
    assert settled() == {"B"}
    b = Receivable.objects.get(document="B")
    assert b.settled_at == datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
    assert Receivable.objects.count() == 5  # settled, never deleted
    assert "B" not in set(Receivable.objects.open().values_list("document", flat=True))


def test_a_snapshot_leaves_the_branches_it_does_not_name_alone(loaded):
    run("receivables", csv_bytes(RECEIVABLE_HEADER, rows("A")), snapshot=True)
    assert settled() == {"B", "C"}
    assert not Receivable.objects.get(document="X").settled  # branch 2 was not in the file


def test_a_titulo_listed_again_is_no_longer_settled(loaded):
    run("receivables", csv_bytes(RECEIVABLE_HEADER, rows("A")), snapshot=True)
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, rows("A", "B")), snapshot=True)
    assert (result.updated, result.settled) == (1, 0)
    assert settled() == {"C"}
    b = Receivable.objects.get(document="B")
    assert (b.settled, b.settled_at) == (False, None)


def test_an_import_without_snapshot_settles_nothing(loaded):
    run("receivables", csv_bytes(RECEIVABLE_HEADER, rows("A")))
    assert settled() == set()


def test_a_snapshot_with_a_bad_row_settles_nothing(loaded):
    bad = rows("A") + [["1", "Z", "1", "C1", "10/11/2026", "caro"]]
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, bad), snapshot=True)
    assert not result.ok
    assert settled() == set()


def test_a_snapshot_with_skip_invalid_keeps_a_rejected_row_open(loaded):
    # C is in the file, only its amount is unreadable: it is not "missing".
    bad = rows("A") + [["1", "C", "1", "C1", "10/11/2026", "caro"]]
    result = run("receivables", csv_bytes(RECEIVABLE_HEADER, bad), snapshot=True, skip_invalid=True)
    assert result.ok and result.rejected_count == 1
    assert settled() == {"B"}


def test_the_titulos_a_snapshot_creates_across_batches_are_not_settled(loaded, monkeypatch):
    monkeypatch.setattr("regua.receivables.importing.engine.BATCH_SIZE", 2)
    result = run(
        "receivables",
        csv_bytes(RECEIVABLE_HEADER, rows("A", "N1", "N2", "N3", "N4")),
        snapshot=True,
    )
    assert (result.created, result.settled) == (4, 2)
    assert settled() == {"B", "C"}


def test_snapshot_is_only_for_titulos():
    from regua.receivables.importing import UnknownKind

    with pytest.raises(UnknownKind, match="só vale para títulos"):
        run("customers", "code;name\n1;A\n", snapshot=True)
