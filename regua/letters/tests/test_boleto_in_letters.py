"""R9: a linha digitável with wrong check digits is never printed; a boleto whose due
date was moved (prorrogação) is replaced by "novo boleto disponível a pedido"."""

import datetime
import re
from decimal import Decimal

import pytest

from regua.letters.loading import boleto_shown
from regua.letters.rendering import render_notice
from regua.letters.tests.builders import flat, make_held_notice, pdf_text
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date
# 237, due 14/11/2026, R$ 2.345,67: valid check digits.
LINE = "23791.23454 60000.012348 56780.001238 8 16300000234567"
BARCODE = "23798163000002345671234560000012345678000123"


def with_digit_changed(line: str, position: int) -> str:
    digits = [i for i, ch in enumerate(line) if ch.isdigit()]
    at = digits[position]
    return line[:at] + str((int(line[at]) + 1) % 10) + line[at + 1 :]


def test_a_valid_line_is_shown_as_febraban_writes_it():
    assert boleto_shown(LINE.replace(".", "").replace(" ", ""), "", D(2026, 11, 14)) == (
        LINE,
        False,
    )
    assert boleto_shown("", BARCODE, D(2026, 11, 14)) == (LINE, False)


@pytest.mark.parametrize("position", [3, 12, 25, 32, 40])
def test_a_line_with_any_digit_changed_is_never_shown(position):
    assert boleto_shown(with_digit_changed(LINE, position), "", D(2026, 11, 14)) == ("", False)


def test_a_line_that_disagrees_with_its_barcode_is_never_shown():
    assert boleto_shown(LINE, with_digit_changed(BARCODE, 30), D(2026, 11, 14)) == ("", False)


def test_a_boleto_issued_for_an_earlier_due_date_offers_a_new_one():
    assert boleto_shown(LINE, BARCODE, D(2026, 11, 30)) == ("", True)


def test_the_letter_prints_the_valid_line_drops_the_broken_one_and_offers_a_new_boleto():
    branch = make_branch("1", fine_percent=Decimal("2.00"), monthly_interest_percent=Decimal("1"))
    customer = make_customer("C1", name="MERCADO BOA VISTA LTDA", document="45678901000123")
    valid = make_receivable(
        branch, customer, D(2026, 11, 14), "2345.67", document="A1", digitable_line=LINE
    )
    broken_line = with_digit_changed(LINE, 12)
    broken = make_receivable(
        branch, customer, D(2026, 11, 14), "2345.67", document="A2", digitable_line=broken_line
    )
    moved = make_receivable(
        branch, customer, D(2026, 11, 20), "2345.67", document="A3", digitable_line=LINE
    )
    notice = make_held_notice(
        make_range(1, 60, template=2, generation="email_and_letter"), [valid, broken, moved]
    )
    rendered = render_notice(notice, with_pdf=True)
    for where, text in (
        ("texto", rendered.text),
        ("HTML", rendered.html),
        ("PDF", flat(pdf_text(rendered.pdf))),
    ):
        text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        assert text.count(LINE) == 1, where  # A1's only; A3's boleto names 14/11
        assert broken_line not in text, where
        assert "novo boleto disponível a pedido" in text, where


def test_a_line_the_import_stored_as_invalid_is_never_printed():
    # Even with check digits that read well now, the stored flag keeps it off the letter.
    assert boleto_shown(LINE, BARCODE, D(2026, 11, 14), invalid=True) == ("", False)
