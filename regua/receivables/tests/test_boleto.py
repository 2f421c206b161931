"""FEBRABAN check digits of linhas digitáveis and barcodes, bank and convenience (R9)."""

import csv
import datetime
from decimal import Decimal

import pytest

from regua.receivables import boleto
from regua.receivables.tests.helpers import DATA

# A bank boleto of the shared WinThor export (Bradesco, due 14/08/2026, R$ 2.896,01).
BANK_LINE = "23790.00009 00000.283762 40482.385545 1 15380000289601"
BANK_BARCODE = "23791153800002896010000000000283764048238554"
# A convenience slip (arrecadação, value kind 6: módulo 10), R$ 143,59.
CONVENIENCE_LINE = "84670000001-7 43590024020-9 02405000243-5 84221010811-9"
CONVENIENCE_BARCODE = "84670000001435900240200240500024384221010811"
# Value kind 8: módulo 11.
CONVENIENCE_MOD11_BARCODE = "83860000005096000190000008017823000034306271"


def test_a_bank_line_reads_as_its_barcode_bank_factor_and_amount():
    read = boleto.read_line(BANK_LINE)
    assert read.barcode == BANK_BARCODE
    assert read.bank == "237"
    assert read.factor == 1538
    assert read.amount == Decimal("2896.01")
    assert not read.convenience
    assert read.formatted_line == BANK_LINE


def test_the_factor_names_the_due_date_nearest_the_titulos_own():
    read = boleto.read_line(BANK_LINE)
    assert read.due_date(near=datetime.date(2026, 8, 14)) == datetime.date(2026, 8, 14)
    # 1000 is both 03/07/2000 and 22/02/2025: the candidate nearest wins.
    assert boleto.factor_date(1000, near=datetime.date(2001, 1, 1)) == datetime.date(2000, 7, 3)
    assert boleto.factor_date(1000, near=datetime.date(2025, 3, 1)) == datetime.date(2025, 2, 22)
    assert boleto.factor_date(9999, near=datetime.date(2025, 2, 1)) == datetime.date(2025, 2, 21)
    assert boleto.due_factor(datetime.date(2026, 8, 14)) == 1538


def test_a_convenience_line_is_checked_block_by_block():
    read = boleto.read_line(CONVENIENCE_LINE)
    assert read.convenience
    assert read.barcode == CONVENIENCE_BARCODE
    assert read.amount == Decimal("143.59")
    assert read.factor is None
    assert boleto.read_barcode(CONVENIENCE_MOD11_BARCODE).amount == Decimal("509.60")
    assert boleto.format_line(boleto.line_from_barcode(CONVENIENCE_BARCODE)) == CONVENIENCE_LINE


def _single_digit_changes(digits):
    for position in range(len(digits)):
        for replacement in "0123456789":
            if replacement != digits[position]:
                yield digits[:position] + replacement + digits[position + 1 :]


def _bank_collision(barcode):
    """FEBRABAN's módulo 11 gives 1 for remainders 0, 1 and 10: such a change goes unseen."""
    body = barcode[:4] + barcode[5:]
    return boleto._mod11_sum(body) % 11 in (0, 1, 10)


@pytest.mark.parametrize("text", [BANK_LINE, CONVENIENCE_LINE, BANK_BARCODE, CONVENIENCE_BARCODE])
def test_a_single_wrong_digit_is_refused_unless_the_check_digits_cannot_see_it(text):
    digits = boleto.only_digits(text)
    read = boleto.read_line if len(digits) != boleto.BARCODE_DIGITS else boleto.read_barcode
    missed = []
    for broken in _single_digit_changes(digits):
        try:
            accepted = read(broken)
        except boleto.InvalidBoleto:
            continue
        missed.append(accepted.barcode)
    # Módulo 10 misses no single change. Only a bank barcode's módulo 11 can, and only
    # when the check digit is 1, which three remainders give.
    assert all(not code.startswith("8") and _bank_collision(code) for code in missed)
    if digits.startswith("8"):
        assert missed == []


def test_the_message_says_which_field_is_wrong():
    digits = boleto.only_digits(BANK_LINE)
    broken = digits[:9] + str((int(digits[9]) + 1) % 10) + digits[10:]
    with pytest.raises(boleto.InvalidBoleto, match="campo 1 \\(módulo 10\\) incorreto"):
        boleto.read_line(broken)
    broken = digits[:32] + str((int(digits[32]) + 1) % 10) + digits[33:]
    with pytest.raises(boleto.InvalidBoleto, match="verificador geral \\(módulo 11\\)"):
        boleto.read_line(broken)


def test_a_line_and_a_barcode_that_disagree_are_refused():
    other = boleto.read_barcode(CONVENIENCE_MOD11_BARCODE).barcode
    with pytest.raises(boleto.InvalidBoleto, match="não correspondem"):
        boleto.read_line(BANK_LINE, other)
    assert boleto.read(BANK_LINE, BANK_BARCODE) is not None
    assert boleto.read("", "") is None
    assert boleto.read("", BANK_BARCODE) == boleto.read_barcode(BANK_BARCODE)


def test_wrong_lengths_and_currencies_say_so():
    with pytest.raises(boleto.InvalidBoleto, match="47 dígitos"):
        boleto.read_line("1234")
    with pytest.raises(boleto.InvalidBoleto, match="44 dígitos"):
        boleto.read_barcode("1234")
    with pytest.raises(boleto.InvalidBoleto, match="moeda"):
        boleto.read_barcode("2378" + BANK_BARCODE[4:])


def test_the_due_date_and_amount_that_differ_from_the_titulo_are_warnings():
    read = boleto.read_line(BANK_LINE)
    assert boleto.warnings(read, datetime.date(2026, 8, 14), Decimal("2896.01")) == []
    found = boleto.warnings(read, datetime.date(2026, 8, 20), Decimal("3000.00"))
    assert found == [
        "o vencimento do boleto (14/08/2026) difere do vencimento do título (20/08/2026)",
        "o valor do boleto (R$ 2.896,01) difere do valor do título (R$ 3.000,00)",
    ]


def test_factor_zero_and_zero_amount_mean_no_due_date_and_an_open_amount():
    body = "2379" + "0000" + "0000000000" + "0" * 25
    barcode = body[:4] + str(boleto.mod11_bank(body)) + body[4:]
    read = boleto.read_barcode(barcode)
    assert read.factor is None and read.amount is None
    assert boleto.warnings(read, datetime.date(2026, 8, 14), Decimal("10.00")) == []


def test_every_line_of_the_tests_copy_of_the_winthor_export_is_valid():
    with open(DATA / "winthor" / "PCPREST.csv", encoding="latin-1", newline="") as export:
        rows = list(csv.DictReader(export, delimiter=";"))
    lines = [row["LINHADIG"] for row in rows if row["LINHADIG"]]
    assert len(lines) > 100
    for line in lines:
        boleto.read_line(line)
