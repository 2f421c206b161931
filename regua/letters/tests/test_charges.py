from decimal import Decimal

from regua.letters.charges import Rates, compute_charges, rates_for
from regua.receivables.models import Branch, CollectionType

TYPICAL = Rates(fine_percent=Decimal("2"), monthly_interest_percent=Decimal("1"))


def test_it_charges_the_fine_once_and_interest_pro_rata_die():
    charges = compute_charges(Decimal("1000.00"), 45, TYPICAL)
    # 2 % of 1000 = 20,00; 1000 × 1 % / 30 × 45 = 15,00
    assert charges.fine == Decimal("20.00")
    assert charges.interest == Decimal("15.00")
    assert charges.updated_amount == Decimal("1035.00")


def test_it_rounds_half_up_to_cents():
    # 100,25 × 2 % = 2,005 → 2,01 (not the banker's 2,00); 100,25 × 1 % / 30 × 6 = 0,2005 → 0,20
    charges = compute_charges(Decimal("100.25"), 6, TYPICAL)
    assert charges.fine == Decimal("2.01")
    assert charges.interest == Decimal("0.20")
    assert charges.updated_amount == Decimal("102.46")


def test_it_charges_nothing_on_or_before_the_due_date():
    for days in (-5, 0):
        charges = compute_charges(Decimal("500.00"), days, TYPICAL)
        assert (charges.fine, charges.interest, charges.updated_amount) == (
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("500.00"),
        )


def test_the_collection_types_rates_take_precedence_over_the_branchs():
    branch = Branch(fine_percent=Decimal("2"), monthly_interest_percent=Decimal("1"))
    both = CollectionType(fine_percent=Decimal("10"), monthly_interest_percent=Decimal("3"))
    only_fine = CollectionType(fine_percent=Decimal("0"), monthly_interest_percent=None)
    assert rates_for(branch, both) == Rates(Decimal("10"), Decimal("3"))
    assert rates_for(branch, only_fine) == Rates(Decimal("0"), Decimal("1"))
    assert rates_for(branch, None) == Rates(Decimal("2"), Decimal("1"))
