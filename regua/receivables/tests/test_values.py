"""The cell parsers: a value or a Portuguese message, never anything else."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regua.receivables.importing import values as v

PORTUGUESE = (
    "inválid",
    "inexistente",
    "obrigatório",
    "número",
    "negativo",
    "casas",
    "ano ",
    "formato",
    "texto",
    "lógico",
    "código",
    "grande",
)


def money(cell, style=None):
    return v.decimal(cell, style or v.DecimalStyle(), places=2, max_digits=14)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05/10/2026", datetime.date(2026, 10, 5)),
        ("5/1/2026", datetime.date(2026, 1, 5)),
        ("2026-10-05", datetime.date(2026, 10, 5)),
        ("05/10/2026 00:00:00", datetime.date(2026, 10, 5)),
        ("2026-10-05T13:45:00", datetime.date(2026, 10, 5)),
        (datetime.datetime(2026, 10, 5, 0, 0), datetime.date(2026, 10, 5)),
        ("  ", None),
        (None, None),
    ],
)
def test_dates_are_read_as_dd_mm_yyyy_or_iso(cell, expected):
    assert v.date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/02/2026", "data inexistente"),
        ("2026-13-01", "data inexistente"),
        ("05/10/26", "data inválida"),
        ("amanhã", "data inválida"),
        ("01/01/0202", "ano 202 fora do intervalo"),
    ],
)
def test_impossible_or_malformed_dates_get_a_message(cell, message):
    with pytest.raises(v.BadValue) as error:
        v.date(cell)
    assert error.value.message.startswith(message)


def test_a_brazilian_file_reads_decimal_commas_and_thousand_dots():
    style = v.DecimalStyle()
    assert money("1.234,56", style) == Decimal("1234.56")
    assert money("1234,5", style) == Decimal("1234.50")
    assert money("1.234", style) == Decimal("1234.00")
    assert money("R$ 10,00", style) == Decimal("10.00")


def test_a_dot_file_reads_decimal_dots_and_thousand_commas():
    style = v.DecimalStyle()
    assert money("1234.56", style) == Decimal("1234.56")
    assert money("1,234.56", style) == Decimal("1234.56")
    # A comma-separated file cannot carry decimal commas unquoted: "1.234" is 1.234 there.
    percent = v.decimal("1.234", v.DecimalStyle(hint=v.DOT), places=4, max_digits=7)
    assert percent == Decimal("1.2340")


def test_the_decimal_style_is_decided_once_per_file():
    style = v.DecimalStyle()
    assert money("1234.56", style) == Decimal("1234.56")
    with pytest.raises(v.BadValue, match="1234.56"):
        money("1.234,56", style)
    other = v.DecimalStyle()
    assert money("1.234,56", other) == Decimal("1234.56")
    with pytest.raises(v.BadValue, match="1.234,56"):
        money("1234.56", other)


def test_an_ambiguous_first_value_does_not_decide_the_style():
    style = v.DecimalStyle()  # hint: a ;-separated, Brazilian file
    assert money("1.234", style) == Decimal("1234.00")
    assert style.mark is None
    assert money("10.50", style) == Decimal("10.50")
    assert style.mark == v.DOT


def test_spreadsheet_numbers_are_taken_as_they_are():
    assert money(1234.56) == Decimal("1234.56")
    assert money(10) == Decimal("10.00")
    assert money(Decimal("0.1")) == Decimal("0.10")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-10,00", "valor negativo não é aceito"),
        ("(10,00)", "valor negativo não é aceito"),
        (-3.5, "valor negativo não é aceito"),
        ("abc", "não é um número"),
        ("1,2,3", "número fora do formato"),
        ("10,001", "mais de 2 casas decimais"),
        ("1000000000000,00", "número grande demais"),
        (float("nan"), "não é um número"),
        (True, "não é um número"),
    ],
)
def test_bad_amounts_get_a_message(cell, message):
    with pytest.raises(v.BadValue) as error:
        money(cell)
    assert error.value.message.startswith(message)


@pytest.mark.parametrize("cell", ["S", "s", "sim", "SIM", "1", "true", "True", 1, True])
def test_true_booleans(cell):
    assert v.boolean(cell) is True


@pytest.mark.parametrize("cell", ["N", "n", "não", "NÃO", "nao", "0", "false", "FALSE", 0, False])
def test_false_booleans(cell):
    assert v.boolean(cell) is False


def test_an_unknown_boolean_gets_a_message():
    with pytest.raises(v.BadValue, match="use S ou N"):
        v.boolean("talvez")


def test_cells_that_look_like_formulas_are_plain_text():
    assert v.text("=SOMA(A1:A9)") == "=SOMA(A1:A9)"
    assert v.text("+55 11 3000-0000") == "+55 11 3000-0000"
    assert v.text("@cliente") == "@cliente"
    # What our rejects file neutralised comes back as it was.
    assert v.text("'+55 11 3000-0000") == "+55 11 3000-0000"


def test_spreadsheet_numbers_become_text_without_a_trailing_zero():
    assert v.text(1001.0) == "1001"
    assert v.text(12.5) == "12.5"


def test_codes_are_required_and_bounded():
    with pytest.raises(v.BadValue, match="campo obrigatório vazio"):
        v.code("  ", 10)
    with pytest.raises(v.BadValue, match="o máximo é 3"):
        v.code("1234", 3)
    with pytest.raises(v.BadValue, match="quebra de linha"):
        v.code("12\n3", 10)


def test_invalid_emails_are_listed_among_several():
    assert v.invalid_emails("a@x.com.br; nada, b@y.com") == ["nada"]
    assert v.invalid_emails("") == []


def _portuguese(message: str) -> bool:
    return bool(message) and any(word in message for word in PORTUGUESE)


cells = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\s*-?\d{0,6}([.,]\d{0,4}){0,3}\s*", fullmatch=True),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{2,5}", fullmatch=True),
    st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}", fullmatch=True),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
)


@given(cells)
def test_dates_parse_or_explain(cell):
    try:
        value = v.date(cell)
    except v.BadValue as error:
        assert _portuguese(error.message), error.message
    else:
        assert value is None or isinstance(value, datetime.date)


@given(cells, st.sampled_from([v.COMMA, v.DOT]))
def test_decimals_parse_or_explain(cell, hint):
    try:
        value = money(cell, v.DecimalStyle(hint=hint))
    except v.BadValue as error:
        assert _portuguese(error.message), error.message
    else:
        assert value is None or (
            isinstance(value, Decimal) and value >= 0 and value.as_tuple().exponent == -2
        )


@given(cells)
def test_booleans_parse_or_explain(cell):
    try:
        value = v.boolean(cell)
    except v.BadValue as error:
        assert _portuguese(error.message), error.message
    else:
        assert value in (True, False, None)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2199, 12, 31)))
def test_a_date_written_either_way_reads_back(day):
    assert v.date(day.strftime("%d/%m/%Y")) == day
    assert v.date(day.isoformat()) == day


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_an_amount_written_either_way_reads_back(amount):
    brazilian = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert money(brazilian, v.DecimalStyle()) == amount
    assert money(f"{amount:.2f}", v.DecimalStyle(hint=v.DOT)) == amount
