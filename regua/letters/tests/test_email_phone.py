"""The default e-mails read on a phone: real Chromium at 390 and 1280 px wide.

Below 600 px the títulos become stacked cards (one per título: document, due
date, days, updated amount); where a mail program ignores <style> (Gmail's
app, Outlook) the inlined table still fits the screen. Screenshots go to
artifacts/screenshots (and docs/screenshots with REGUA_SCREENSHOTS_TO_DOCS=1).
"""

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regua.letters.models import LetterTemplate
from regua.letters.rendering import render_notice
from regua.letters.tests.test_overdue_apart import build

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PHONE, DESKTOP = 390, 1280


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Chromium, opened once the e-mail is rendered: no database call runs beside it."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium não encontrado em {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("REGUA_SCREENSHOTS_TO_DOCS"):
        from PIL import Image

        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:
            image.convert("RGB").quantize(256).save(DOCS_SHOTS / path.name, optimize=True)


def opened(chromium, html: str, width: int):
    page = chromium.new_page(viewport={"width": width, "height": 800})
    page.set_content(html)
    return page


def widths(page) -> tuple[int, int]:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return scroll, client


def email_of(number: int) -> str:
    notice = build()
    notice.template = LetterTemplate.objects.get(number=number)
    notice.save()
    return render_notice(notice, with_pdf=False).html


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_email_stacks_its_titulos_in_cards_on_a_phone_and_never_overflows(number):
    html = email_of(number)
    with chromium() as browser:
        check_phone_and_desktop(browser, html, number)


def check_phone_and_desktop(browser, html: str, number: int) -> None:
    page = opened(browser, html, PHONE)
    try:
        scroll, client = widths(page)
        assert scroll <= client == PHONE
        # One card per título: its label and amount on the card, the table head hidden.
        assert page.locator("table.items thead").first.is_hidden()
        card = page.locator("tr.item", has_text="104512/1")
        assert card.locator("text=Valor atualizado:").is_visible()
        assert "R$ 1.030,00" in card.inner_text()
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE
        qr = page.locator("img[alt='QR Code PIX']").bounding_box()
        assert qr is not None and 100 <= qr["width"] <= 200
        shot(page, f"email-modelo-{number}-celular")
    finally:
        page.close()
    page = opened(browser, html, DESKTOP)
    try:
        scroll, client = widths(page)
        assert scroll <= client
        assert page.locator("table.items thead").first.is_visible()
        assert page.locator("text=Valor atualizado:").first.is_hidden()
        shot(page, f"email-modelo-{number}")
    finally:
        page.close()


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_email_fits_a_phone_where_the_mail_program_ignores_style(number):
    html = re.sub(r"<style>.*?</style>", "", email_of(number), flags=re.DOTALL)
    with chromium() as browser:
        page = opened(browser, html, PHONE)
        scroll, client = widths(page)
        text = page.inner_text("body")
    assert scroll <= client == PHONE
    assert "R$ 3.502,33" in text


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_email_has_no_fixed_width_wider_than_a_phone(number):
    html = email_of(number)
    # A width in pixels (not a max-width) or a width attribute: never wider than 320.
    for value in re.findall(r'(?<![-\w])width(?::\s*|=")(\d+)(?:px|")', html):
        assert int(value) <= 320, value
    assert "word-break: break-all" in html  # the PIX code wraps
