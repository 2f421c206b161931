import datetime

import pytest

from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

DUE = datetime.date(2026, 11, 10)


@pytest.fixture
def notices(db):
    """Three notices: two to customer C1 (one sent, one held), one to C2 (skipped)."""
    branch = make_branch("1")
    c1, c2 = make_customer("C1"), make_customer("C2", email="")
    first = make_range(1, 15, 1)
    second = make_range(16, 30, 2, "email_and_letter")
    r1 = make_receivable(branch, c1, DUE, "100.00", document="D1")
    r2 = make_receivable(branch, c1, DUE, "250.00", document="D2", installment="2")
    r3 = make_receivable(branch, c2, DUE, "80.00", document="D3")
    sent = make_notice(first, [r1, r2], status="sent", recipients=["contatoC1@cliente.com.br"])
    held = make_notice(second, [r2], status="held", reference_date=datetime.date(2026, 11, 28))
    skipped = make_notice(first, [r3], status="skipped", reason="no_email")
    return {"sent": sent, "held": held, "skipped": skipped}
