"""Counts, money and dates as a Brazilian finance team writes them."""

import datetime
from decimal import Decimal

import pytest

from regua import ptbr


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "0 cartas"), (1, "1 carta"), (2, "2 cartas"), (1234, "1.234 cartas"), (-1, "-1 carta")],
)
def test_counts_choose_the_word_by_number(number, expected):
    assert ptbr.count(number, "carta", "cartas") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("8809646.78"), "R$ 8.809.646,78"),
        (Decimal("0.005"), "R$ 0,01"),
        (Decimal("-10"), "-R$ 10,00"),
        (Decimal("-0.001"), "R$ 0,00"),
        ("1234.5", "R$ 1.234,50"),
        (0, "R$ 0,00"),
    ],
)
def test_money_is_written_the_brazilian_way(value, expected):
    assert ptbr.money(value) == expected


def test_money_refuses_float():
    with pytest.raises(TypeError):
        ptbr.money(1.5)  # type: ignore[arg-type]


def test_dates_are_day_month_year():
    assert ptbr.date(datetime.date(2026, 12, 4)) == "04/12/2026"
    assert ptbr.date(None) == ""


def test_the_pages_money_filter_is_ptbrs_and_shows_nothing_for_no_value():
    from regua.web.templatetags.regua_web import brl

    assert brl(None) == brl("") == ""
    assert brl("8809646.78") == ptbr.money(Decimal("8809646.78")) == "R$ 8.809.646,78"
