"""Sample data: what the editing page previews and what every template is rendered
against before it may be saved.

Two customers, so both branches of an "if" run: a company with PIX, a boleto,
títulos overdue (one whose due date moved to the next business day) and one
not yet due; a person with nothing optional filled in and nothing overdue.
And a large one (500 títulos), so a template whose cost grows with the títulos
is refused when it is saved, not when a real customer's letter is sent. No
model is imported here: the sandbox uses this module.
"""

import datetime
from decimal import Decimal
from typing import Any

from regua.letters import charges
from regua.letters.variables import (
    PAYMENT_DAYS,
    BranchData,
    CustomerData,
    FinalNoticeData,
    NoticeData,
    assemble,
    fields_of,
    final_notice_data,
    item_data,
)

SAMPLE_REFERENCE_DATE = datetime.date(2026, 11, 28)

SAMPLE_BRANCH = BranchData(
    code="1",
    legal_name="DISTRIBUIDORA MODELO LTDA",
    trade_name="Modelo Distribuidora",
    cnpj="11.222.333/0001-81",
    address="Rua das Flores, 100",
    district="Centro",
    city="São Paulo",
    state="SP",
    zip_code="01001-000",
    phone="(11) 3000-0000",
    email="cobranca@modelo.com.br",
    pix_key="11.222.333/0001-81",
    of_name="da Modelo Distribuidora",
)


# What an unconfigured installation says in its "Notificação extrajudicial":
# the defaults of ``LetterSettings`` (a test keeps the two the same).
DEFAULT_FINAL_NOTICE_DAYS = 10
DEFAULT_FINAL_NOTICE_MEASURES = (
    "o encaminhamento dos títulos vencidos a protesto e o registro do débito "
    "em cadastro de proteção ao crédito"
)
SAMPLE_FINAL_NOTICE = final_notice_data(
    days=DEFAULT_FINAL_NOTICE_DAYS,
    measures=DEFAULT_FINAL_NOTICE_MEASURES,
    legal_basis="",
    reference_date=SAMPLE_REFERENCE_DATE,
)
# How many títulos the large sample has.
LARGE_SAMPLE_ITEMS = 500


def sample_contexts(final_notice: FinalNoticeData | None = None) -> list[dict[str, Any]]:
    """The two sample customers' contexts: the first is the one the preview shows."""
    final_notice = final_notice or SAMPLE_FINAL_NOTICE
    rates = charges.Rates(Decimal("2.00"), Decimal("1.00"))
    ref = SAMPLE_REFERENCE_DATE
    day = datetime.timedelta(days=1)
    full_items = [
        item_data(
            document="104512",
            installment="1",
            issue_date=ref - 60 * day,
            due_date=ref - 30 * day,
            effective_due_date=ref - 30 * day,
            reference_date=ref,
            balance=Decimal("1234.56"),
            rates=rates,
            digitable_line="23791.23454 60000.012348 56780.001238 1 16140000123456",
            our_number="00012345",
            collection="BK",
            collection_name="Boleto bancário",
        ),
        # Due on Sunday 15/11 (a holiday too): it moved to Monday 16/11 (R2).
        item_data(
            document="104630",
            installment="1",
            issue_date=ref - 45 * day,
            due_date=datetime.date(2026, 11, 15),
            effective_due_date=datetime.date(2026, 11, 16),
            reference_date=ref,
            balance=Decimal("640.00"),
            rates=rates,
            our_number="00012360",
            collection="BK",
            collection_name="Boleto bancário",
        ),
        item_data(
            document="104988",
            installment="2",
            issue_date=ref - 25 * day,
            due_date=ref + 5 * day,
            effective_due_date=ref + 5 * day,
            reference_date=ref,
            balance=Decimal("350.00"),
            rates=rates,
            collection="CART",
            collection_name="Carteira",
        ),
    ]
    full = assemble(
        branch=SAMPLE_BRANCH,
        customer=CustomerData(
            code="1001",
            name="MERCADO BOA VISTA LTDA",
            document="45.678.901/0001-23",
            email="financeiro@boavista.com.br",
            phone="(11) 98888-7777",
            address="Av. Brasil, 2000, sala 3",
            district="Jardim América",
            city="São Paulo",
            state="SP",
            zip_code="01430-001",
            is_company=True,
            display_name="Mercado Boa Vista Ltda",
        ),
        items=full_items,
        notice=NoticeData(
            number=123,
            reference_date=ref,
            range_start=1,
            range_end=30,
            max_days_overdue=30,
            payment_deadline=ref + PAYMENT_DAYS * day,
        ),
        final_notice=final_notice,
        txid="CARTA123",
    )
    bare_items = [
        item_data(
            document="7",
            installment="1",
            issue_date=None,
            due_date=ref + 3 * day,
            effective_due_date=ref + 3 * day,
            reference_date=ref,
            balance=Decimal("80.00"),
            rates=rates,
        )
    ]
    bare = assemble(
        branch=BranchData(
            **{
                **fields_of(SAMPLE_BRANCH),
                "trade_name": "",
                "pix_key": "",
                "of_name": "da DISTRIBUIDORA MODELO LTDA",
            }
        ),
        customer=CustomerData(
            code="2002",
            name="JOSÉ DA SILVA",
            document="",
            email="",
            phone="",
            address="",
            district="",
            city="",
            state="",
            zip_code="",
            is_company=False,
            display_name="José da Silva",
        ),
        items=bare_items,
        notice=NoticeData(
            number=124,
            reference_date=ref,
            range_start=-5,
            range_end=0,
            max_days_overdue=-3,
            payment_deadline=ref + PAYMENT_DAYS * day,
        ),
        final_notice=final_notice,
        txid="CARTA124",
    )
    return [full, bare]


def large_sample_context(count: int = LARGE_SAMPLE_ITEMS) -> dict[str, Any]:
    """The first sample customer with ``count`` títulos, every other one with a boleto.

    Templates are rendered on it before they are saved: one whose work grows
    faster than its títulos (a loop inside a loop over ``items``) passes on two
    títulos and is refused here, within the budget a real letter would get.
    """
    first = sample_contexts()[0]
    rates = charges.Rates(Decimal("2.00"), Decimal("1.00"))
    ref = SAMPLE_REFERENCE_DATE
    items = []
    for n in range(count):
        due = ref + datetime.timedelta(days=(n % 90) - 60)
        items.append(
            item_data(
                document=str(200000 + n),
                installment=str(n % 12 + 1),
                issue_date=due - datetime.timedelta(days=30),
                due_date=due,
                effective_due_date=due,
                reference_date=ref,
                balance=Decimal(100 + (n * 37) % 5000) + Decimal("0.45"),
                rates=rates,
                digitable_line=(
                    f"23790.12345 60000.{n:06d} 78000.123456 1 98760000{n:06d}" if n % 2 else ""
                ),
                our_number=f"{n:08d}",
                collection="BK" if n % 2 else "CART",
            )
        )
    return assemble(
        branch=first["branch"],
        customer=first["customer"],
        items=items,
        notice=NoticeData(
            number=125,
            reference_date=ref,
            range_start=1,
            range_end=60,
            max_days_overdue=max(i.days_overdue for i in items),
            payment_deadline=ref + datetime.timedelta(days=PAYMENT_DAYS),
        ),
        final_notice=first["final_notice"],
        txid="CARTA125",
    )
