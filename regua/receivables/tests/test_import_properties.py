"""Whole files of arbitrary rows: never a traceback, always data or Portuguese messages."""

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regua.receivables.importing import engine
from regua.receivables.importing import values as v
from regua.receivables.tests.helpers import database, load_branches, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db

PORTUGUESE = re.compile(
    r"arquivo|linha|campo|valor|número|data|chave|cliente|filial|título|texto|coluna|aspas|"
    r"CPF|CNPJ|cadastr|planilha|lógico|código|casas|negativo|ano "
)

cells = st.one_of(
    st.sampled_from(["1", "2", "9", "C1", "C2", "", " "]),
    st.from_regex(r"[A-Z]{0,2}\d{1,4}", fullmatch=True),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}", fullmatch=True),
    st.from_regex(r"-?\d{1,7}([.,]\d{1,3}){0,2}", fullmatch=True),
    st.sampled_from(["S", "N", "sim", "não", "talvez", "=1+1", "+55 11", "@x", '"', "\n"]),
    st.text(max_size=12),
)
HEADER = [
    "branch",
    "document",
    "installment",
    "customer",
    "due_date",
    "amount",
    "paid_amount",
    "paid_date",
    "cancelled",
    "blocked",
    "collection",
]
rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADER) + 1), min_size=0, max_size=6)


@pytest.fixture
def loaded():
    load_branches()
    make_customer("C1")


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, sep=st.sampled_from([";", ","]), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_any_receivables_file_imports_or_explains_itself(loaded, rows, sep, encoding):
    text = sep.join(HEADER) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    data = text.encode(encoding, errors="replace")
    before = database()

    result = run("receivables", data, skip_invalid=False)

    if result.ok:
        assert result.error_count == 0
        assert result.created + result.updated + result.unchanged == result.rows
    else:
        assert result.error_count >= 1
        for error in result.errors:
            assert PORTUGUESE.search(str(error)), str(error)
        assert database() == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_any_bytes_import_or_explain_themselves(loaded, data):
    before = database()
    result = run("customers", data)
    if not result.ok:
        assert all(PORTUGUESE.search(str(e)) for e in result.errors), result.errors
        assert database() == before


amounts = st.one_of(
    st.from_regex(r"\d{1,14}([.,]\d{1,4})?", fullmatch=True),
    st.from_regex(r" ?\d{1,3}([.,]\d{3}){0,4}([.,]\d{1,3})? ?", fullmatch=True),
    st.text(max_size=8),
)


@given(st.sampled_from([v.COMMA, v.DOT]), amounts)
def test_the_fast_amount_reader_agrees_with_the_general_one(mark, cell):
    fast_style, slow_style = v.DecimalStyle(), v.DecimalStyle()
    fast_style.mark = slow_style.mark = mark
    fast = engine._money(fast_style, required=False)

    def outcome(read):
        try:
            return read(cell)
        except v.BadValue as error:
            return error.message

    def slow(value):
        parsed = v.decimal(value, slow_style, places=2, max_digits=14)
        return Decimal("0.00") if parsed is None else parsed

    assert outcome(fast) == outcome(slow)
