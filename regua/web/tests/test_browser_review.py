"""Revisão at volume in a real browser: a filter narrows the held letters, "every letter
matching" is approved in the background with its progress, the workers send them to a real
SMTP server; a bulk discard records its reason on every notice (R8)."""

import datetime
import time

import pytest
from playwright.sync_api import expect

from regua.delivery.configuration import configure_email
from regua.dunning.models import Notice
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable
from regua.web.tests.browser import log_in, screenshot
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def held_letters(count: int) -> None:
    """``count`` held letters: a tenth of them (R$ 5.000 and up) in branch 2, the rest in 1."""
    letter = make_range(31, 60, template=2, generation="email_and_letter")
    branches = {"1": make_branch("1"), "2": make_branch("2")}
    for n in range(count):
        big = n % 10 == 0
        customer = make_customer(f"C{n:05}", name=f"CLIENTE {n:05}")
        receivable = make_receivable(
            branches["2" if big else "1"],
            customer,
            datetime.date(2026, 10, 15),
            f"{5000 + n}.00" if big else f"{100 + n}.00",
        )
        make_notice(letter, [receivable], status="held", recipients=[customer.email])


def all_sent(expected: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if Notice.objects.filter(status="sent").count() >= expected:
            return True
        time.sleep(0.5)
    return False


def approve_every_letter_matching(page, smtp_server, expected: int, within: float) -> None:
    page.get_by_role("link", name="Revisão").click()
    expect(page.locator("#review-count")).to_contain_text("cartas aguardando revisão")
    page.get_by_label("Filial").select_option("2")
    page.get_by_label("Valor mínimo").fill("5.000,00")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("#review-count")).to_contain_text(
        f"{expected} cartas aguardando revisão com estes filtros"
    )
    screenshot(page, "revisao-filtrada")
    page.locator("#scope-all").check()
    page.get_by_role("button", name="Aprovar em lote").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.locator("#lote h2")).to_have_text(
        "Revisão em lote concluída", timeout=within * 1000
    )
    expect(page.locator("#lote-contagem")).to_contain_text(
        f"{expected} aprovadas e enviadas para entrega"
    )
    screenshot(page, "revisao-lote")
    assert all_sent(expected, within)
    recipients = sorted(m.rcpt_tos[0] for m in smtp_server.messages)
    assert recipients == sorted(
        Notice.objects.filter(branch__code="2").values_list("recipients__0", flat=True)
    )
    assert Notice.objects.filter(branch__code="2").exclude(status="sent").count() == 0
    assert Notice.objects.filter(branch__code="1", status="held").exists()


def setup(smtp_server, count: int):
    configure_email(
        "ana",
        host="127.0.0.1",
        port=smtp_server.port,
        security="none",
        from_email="cobranca@exemplo.com.br",
    )
    held_letters(count)
    make_user("sergio", "supervisor")


def test_a_filter_narrows_revisao_and_every_matching_letter_is_approved_and_sent(
    browser_page, smtp_server, worker
):
    setup(smtp_server, 500)  # a tenth match: 50 letters approved and sent
    page = browser_page
    log_in(page, "sergio", PASSWORD)
    approve_every_letter_matching(page, smtp_server, 50, within=600)

    # The rest discarded in bulk, with one reason recorded on every notice.
    page.get_by_role("link", name="Voltar à Revisão").click()
    page.get_by_label("Filial").select_option("1")
    page.get_by_role("button", name="Filtrar").click()
    page.locator("#scope-all").check()
    page.get_by_label("Motivo (para descartar)").fill("cobrança suspensa pela diretoria")
    page.get_by_role("button", name="Descartar em lote").click()
    expect(page.locator("#lote h2")).to_have_text("Revisão em lote concluída", timeout=600_000)
    expect(page.locator("#lote-contagem")).to_contain_text("450 descartadas")
    assert set(
        Notice.objects.filter(branch__code="1").values_list("status", "reason", "reviewed_by")
    ) == {("discarded", "cobrança suspensa pela diretoria", "sergio")}


def test_the_keyboard_moves_through_the_letters_and_approves_the_open_one(
    browser_page, smtp_server, worker
):
    setup(smtp_server, 3)
    first, second, _ = Notice.objects.order_by("run_id", "branch__code", "customer__name", "id")
    page = browser_page
    log_in(page, "sergio", PASSWORD)
    page.get_by_role("link", name="Revisão").click()
    expect(page.locator("#carta-titulo")).to_contain_text(f"Carta {first.pk}")
    page.keyboard.press("j")
    expect(page.locator("#carta-titulo")).to_contain_text(f"Carta {second.pk}")
    page.keyboard.press("k")
    expect(page.locator("#carta-titulo")).to_contain_text(f"Carta {first.pk}")
    page.keyboard.press("a")
    expect(page.get_by_role("status").first).to_contain_text(
        f"Carta {first.pk} aprovada", timeout=60_000
    )
    assert all_sent(1, 60)


@pytest.mark.slow
def test_a_thousand_held_letters_are_approved_from_one_click(browser_page, smtp_server, worker):
    setup(smtp_server, 10_000)  # 1,000 match the filter
    page = browser_page
    log_in(page, "sergio", PASSWORD)
    approve_every_letter_matching(page, smtp_server, 1000, within=3600)
