import pytest
import time_machine

from regua.receivables.models import Receivable
from regua.receivables.tests.helpers import BRANCHES_CSV, DATA, database, load_winthor, run

pytestmark = pytest.mark.django_db


def test_importing_the_same_files_twice_changes_nothing_the_second_time():
    load_winthor()
    assert run("branches", BRANCHES_CSV).unchanged == 2
    before = database()
    stamps = dict(Receivable.objects.values_list("id", "updated_at"))
    with time_machine.travel("2026-12-01 10:00 -03:00"):
        for kind, name in (
            ("collection-types", "PCCOB.csv"),
            ("customers", "PCCLIENT.csv"),
            ("receivables", "PCPREST.csv"),
        ):
            result = run(kind, DATA / "winthor" / name)
            assert (result.created, result.updated, result.unchanged) == (0, 0, result.rows)
    assert database() == before
    # Untouched rows keep their timestamps: nothing was rewritten.
    assert dict(Receivable.objects.values_list("id", "updated_at")) == stamps


def test_a_changed_due_date_is_stored():
    load_winthor()
    text = (DATA / "winthor" / "PCPREST.csv").read_bytes().decode("cp1252")
    changed = text.replace(
        "2;700002;310010;2;1001;10/07/2026;14/08/2026",
        "2;700002;310010;2;1001;10/07/2026;28/08/2026",
    )
    assert changed != text
    result = run("receivables", changed.encode("cp1252"))
    assert (result.updated, result.unchanged) == (1, 257)
    moved = Receivable.objects.get(branch__code="2", document="310010", installment="2")
    assert moved.due_date.isoformat() == "2026-08-28"
