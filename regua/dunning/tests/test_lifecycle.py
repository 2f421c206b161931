"""The notice's life has one home: regua/dunning/lifecycle.py.

Its table of states is the one the code follows, its transitions are guarded,
and no other module of the product writes ``Notice.status`` or
``NoticeItem.blocks`` — in Python or in SQL text.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from regua.dunning import lifecycle
from regua.dunning.lifecycle import S
from regua.dunning.models import DunningRun, GenerationType, NoticeItem, NoticeStatus
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

REGUA = Path(lifecycle.__file__).resolve().parent.parent
HOME = Path(lifecycle.__file__).resolve()


def _table() -> dict[str, bool]:
    """The states table of lifecycle's docstring: state → blocks."""
    doc = lifecycle.__doc__ or ""
    table = doc.split("| state | meaning | blocks (R5) |")[1].split("\n\n")[0]
    rows = [line.split("|") for line in table.strip().splitlines()[1:]]
    return {cells[1].strip(): cells[3].strip() == "yes" for cells in rows}


def test_the_states_table_lists_every_state_and_the_blocking_set_follows_it():
    table = _table()

    assert set(table) == set(NoticeStatus.values)
    assert {s for s, blocks in table.items() if blocks} == set(lifecycle.BLOCKING)
    assert "awaiting_post" in lifecycle.BLOCKING
    assert set(lifecycle.Channel.values) == {"email", "letter"}


def test_the_sets_of_states_are_consistent():
    assert lifecycle.FINAL | lifecycle.ONGOING == lifecycle.ALL
    assert not lifecycle.FINAL & lifecycle.ONGOING
    assert lifecycle.CLAIMABLE <= lifecycle.BLOCKING
    assert lifecycle.IN_FLIGHT <= lifecycle.ONGOING
    assert not lifecycle.BLOCKING & {S.FAILED, S.DISCARDED, S.SKIPPED}


@pytest.mark.parametrize(
    ("recipients", "generation", "postal", "state"),
    [
        ([], GenerationType.EMAIL, True, (S.SKIPPED, "no_email", "email")),
        # R7 as DOMAIN.md now reads: "Email e Carta" without e-mail is a letter-only notice,
        # held for review, or skipped with no_address without a usable postal address.
        ([], GenerationType.EMAIL_AND_LETTER, True, (S.HELD, "", "letter")),
        ([], GenerationType.EMAIL_AND_LETTER, False, (S.SKIPPED, "no_address", "letter")),
        (["a@b.com.br"], GenerationType.EMAIL, False, (S.PENDING, "", "email")),
        (["a@b.com.br"], GenerationType.EMAIL_AND_LETTER, False, (S.HELD, "", "email")),
    ],
)
def test_a_run_records_a_new_notice_in_the_state_r7_and_r8_give(
    recipients, generation, postal, state
):
    assert lifecycle.initial_state(recipients, generation, postal_address=postal) == state


@pytest.fixture
def held(db):
    rng = make_range(1, 30, 2, "email_and_letter")
    receivable = make_receivable(make_branch("1"), make_customer("C1"), datetime.date(2026, 11, 1))
    return make_notice(rng, [receivable], status="held")


def test_a_transition_from_a_state_it_does_not_start_from_writes_nothing(held):
    assert not lifecycle.move(held, lifecycle.RESEND)

    held.refresh_from_db()
    assert held.status == "held"


def test_a_discard_unblocks_the_titulos_and_a_resend_blocks_them_again(held):
    assert lifecycle.move(held, lifecycle.DISCARD, reason="cliente pagou")

    assert list(NoticeItem.objects.filter(notice=held).values_list("blocks", flat=True)) == [False]
    assert (held.status, held.reason) == ("discarded", "cliente pagou")


def test_resending_is_refused_by_the_database_when_another_notice_blocks_the_titulo(held):
    lifecycle.move(held, lifecycle.DISCARD, reason="x")
    held.status = "failed"
    held.save(update_fields=["status"])
    item = held.items.get()
    make_notice(held.delay_range, [item.receivable], status="pending")

    with pytest.raises(IntegrityError), transaction.atomic():
        lifecycle.move(held, lifecycle.RESEND)


def test_an_attempt_that_keeps_failing_ends_failed_after_the_last_retry(held):
    now = timezone.now()
    held.attempts = lifecycle.MAX_ATTEMPTS - 1
    lifecycle.outcome(held, S.RETRY, "421 ocupado", now)
    assert (held.status, held.next_attempt_at) == (S.RETRY, now + lifecycle.backoff(9))

    held.attempts = lifecycle.MAX_ATTEMPTS
    lifecycle.outcome(held, S.RETRY, "421 ocupado", now)
    assert held.status == S.FAILED and held.reason.startswith("tentativas esgotadas (10)")


def test_a_run_whose_process_stopped_renewing_its_lease_is_marked_interrupted(db):
    now = timezone.now()
    gone = DunningRun.objects.create(
        user="ana",
        reference_date=datetime.date(2026, 11, 30),
        lease_until=now - datetime.timedelta(seconds=1),
    )
    alive = DunningRun.objects.create(
        user="bia",
        reference_date=datetime.date(2026, 11, 30),
        lease_until=now + datetime.timedelta(minutes=5),
    )

    assert lifecycle.interrupt_abandoned_runs(now) == 1

    gone.refresh_from_db()
    alive.refresh_from_db()
    assert (gone.interrupted_at, gone.finished_at) == (now, None)
    assert gone.state_label == "interrompida"
    assert alive.interrupted_at is None and alive.state_label == "em andamento"


# The enforcement: every other module of the product, read as Python and as SQL text.

WRITERS = {"update", "create", "bulk_create", "get_or_create", "update_or_create", "bulk_update"}
STATE_FIELDS = {"status", "blocks"}
SQL_WRITE = re.compile(
    r"\b(update\s+\"?dunning_notice(item)?\"?\s+set\b[^;]*\b(status|blocks)\b"
    r"|insert\s+into\s+\"?dunning_notice(item)?\"?)",
    re.IGNORECASE | re.DOTALL,
)


def _product_modules() -> list[Path]:
    return [
        path
        for path in REGUA.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name not in ("test.py", "conftest.py")
        and path.resolve() != HOME
    ]


def _notice_models(tree: ast.AST) -> bool:
    """Whether the module works with notices at all (other models have a ``status`` too):
    it imports ``Notice`` or ``NoticeItem``."""
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "regua.dunning.models"
        and {alias.name for alias in node.names} & {"Notice", "NoticeItem"}
        for node in ast.walk(tree)
    )


def state_writes(source: str) -> list[str]:
    """Places in ``source`` that write a notice's state or an item's R5 guard."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_WRITE.search(node.value)
        ):
            found.append(f"line {node.lineno}: SQL writes a notice's state")
    if not _notice_models(tree):
        return found
    # ``self.status`` of another class (an error's HTTP status) is not a notice's.
    others = {
        id(inner)
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef) and cls.name not in ("Notice", "NoticeItem")
        for inner in ast.walk(cls)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not (isinstance(target, ast.Attribute) and target.attr in STATE_FIELDS):
                    continue
                if id(node) in others and getattr(target.value, "id", "") == "self":
                    continue
                found.append(f"line {node.lineno}: assigns .{target.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            if name in WRITERS | {"Notice", "NoticeItem"} and keywords & STATE_FIELDS:
                found.append(
                    f"line {node.lineno}: {name}({', '.join(sorted(keywords & STATE_FIELDS))}=…)"
                )
            if name == "set_status":
                found.append(f"line {node.lineno}: set_status")
            for keyword in node.keywords:
                # update_fields of save(), fields of the batch writers (not of an Index).
                if keyword.arg == "fields" and name not in ("bulk_update", "update_instances"):
                    continue
                if keyword.arg in ("update_fields", "fields") and isinstance(
                    keyword.value, ast.List | ast.Tuple | ast.Set
                ):
                    listed = {e.value for e in keyword.value.elts if isinstance(e, ast.Constant)}
                    if listed & STATE_FIELDS:
                        found.append(f"line {node.lineno}: {keyword.arg} lists a state field")
    return found


def test_the_check_finds_each_way_of_writing_a_state():
    source = """
from regua.dunning.models import Notice
def bad(notice, ids, cursor):
    notice.status = "sent"
    Notice.objects.filter(pk__in=ids).update(status="failed")
    notice.items.update(blocks=False)
    notice.save(update_fields=["status"])
    Notice(status="pending")
    cursor.execute("UPDATE dunning_notice SET status = %s WHERE id = %s")
    cursor.execute('INSERT INTO "dunning_noticeitem" (notice_id, blocks) VALUES (%s, %s)')
"""
    assert len(state_writes(source)) == 7


def test_no_module_but_lifecycle_writes_a_notice_state_or_the_r5_guard():
    offenders = {
        str(path.relative_to(REGUA.parent)): found
        for path in _product_modules()
        if (found := state_writes(path.read_text(encoding="utf-8")))
    }

    assert offenders == {}
