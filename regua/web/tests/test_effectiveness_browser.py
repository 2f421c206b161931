"""Efetividade and the manager's Painel in Chromium, on a desktop and on a 390 px phone."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from regua.receivables.models import PaymentEvent
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable
from regua.web.tests.browser import browser_page, log_in, screenshot  # noqa: F401
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SP = ZoneInfo("America/Sao_Paulo")
TODAY = datetime.date(2026, 11, 30)


def build_history() -> None:
    """Five months of notices in three ranges, a third to half of them paid afterwards."""
    rng = random.Random(16)
    ranges = [
        make_range(1, 15, 1, name="Lembrete"),
        make_range(16, 30, 2, name="Aviso de atraso"),
        make_range(31, 60, 3, "email_and_letter", name="Notificação extrajudicial"),
    ]
    branches = [make_branch("1"), make_branch("2", trade_name="Exemplo Campinas")]
    for n in range(90):
        customer = make_customer(f"C{n:03d}")
        due = datetime.date(2026, 6, 1) + datetime.timedelta(days=rng.randrange(0, 150))
        amount = Decimal(rng.randrange(8_000, 1_500_000)) / 100
        receivable = make_receivable(
            branches[n % 2], customer, due, amount, issue_date=due - datetime.timedelta(days=30)
        )
        sent_day = due
        for delay_range in ranges:
            sent_day = due + datetime.timedelta(days=delay_range.start_day + rng.randrange(0, 4))
            if sent_day >= TODAY:
                break
            make_notice(
                delay_range,
                [receivable],
                status="sent",
                sent_at=datetime.datetime.combine(sent_day, datetime.time(9, 30), tzinfo=SP),
                reference_date=sent_day,
            )
            if rng.random() < 0.35 + 0.1 * delay_range.template.number:
                paid_on = sent_day + datetime.timedelta(days=rng.randrange(0, 12))
                if paid_on < TODAY:
                    PaymentEvent.objects.create(
                        receivable=receivable,
                        amount=amount,
                        paid_date=paid_on,
                        kind="payment",
                        recorded_at=datetime.datetime(2026, 11, 30, tzinfo=SP),
                    )
                    break


@time_machine.travel(datetime.datetime(2026, 11, 30, 14, 0, tzinfo=datetime.UTC), tick=True)
@pytest.mark.parametrize(("width", "suffix"), [(1366, ""), (390, "-celular")])
def test_the_effectiveness_page_and_the_painel_read_well_on_a_desktop_and_a_phone(
    browser_page,  # noqa: F811
    width,
    suffix,
):
    build_history()
    make_user("gerente", "supervisor")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "gerente", PASSWORD)

    page.goto(page.base_url + "/efetividade/?de=2026-06-01&ate=2026-11-30")
    assert page.get_by_role("heading", name="Efetividade da régua").is_visible()
    assert page.get_by_role("heading", name="Como os pagamentos são atribuídos").is_visible()
    assert page.locator("svg.chart").count() == 2
    # Nothing wider than the screen but the tables' own scrolling boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"efetividade{suffix}")

    page.goto(page.base_url + "/")
    assert page.get_by_text("DSO (prazo médio de recebimento)").is_visible()
    assert page.get_by_role("heading", name="Listas de trabalho").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"painel-gerencia{suffix}")
