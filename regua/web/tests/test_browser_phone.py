"""On a phone (390 px wide), in real Chromium: the pages that show an e-mail fit the screen
for each default template, and every page of a walk through the product fits it too
(a wide table scrolls in its own box) and hedges no plural with "(s)", "(a)" or "(es)".
Screenshots go to artifacts/screenshots."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from regua.delivery.models import CapturedEmail
from regua.dunning.models import Notice
from regua.letters.editing import ensure_default_templates
from regua.letters.models import LetterTemplate
from regua.letters.rendering import render_notice
from regua.letters.tests.test_overdue_apart import build
from regua.test import plural_hedges
from regua.web.tests.browser import log_in, screenshot
from regua.web.tests.conftest import PASSWORD, make_user
from regua.web.tests.test_url_matrix import MATRIX, RANK
from regua.web.tests.world import make_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = 390
# Saturday 28 November 2026, as the letters' own tests.
NOW = datetime.datetime(2026, 11, 28, 13, 0, tzinfo=datetime.UTC)


def widths(frame) -> tuple[int, int]:
    scroll, client = frame.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return scroll, client


# The outermost elements past the right edge: what a failure names.
_TOO_WIDE = """[...document.querySelectorAll('body *')].filter(e => {
  const edge = document.documentElement.clientWidth + 1;
  return e.getBoundingClientRect().right > edge
    && !(e.parentElement.getBoundingClientRect().right > edge);
}).map(e => e.tagName.toLowerCase() + '.' + e.className).slice(0, 5)"""


def assert_fits(page, where: str) -> None:
    """Nothing wider than the screen: neither the page nor the e-mail in its frame."""
    scroll, client = widths(page)
    assert scroll <= client == PHONE, (where, scroll, page.evaluate(_TOO_WIDE))
    for frame in page.frames[1:]:
        scroll, client = widths(frame)
        assert scroll <= client, (where, frame.url, scroll, client)


def sent_with(notice: Notice, number: int) -> Notice:
    """The notice as template ``number`` sends it: the pages show what was sent."""
    notice.template = LetterTemplate.objects.get(number=number)
    notice.save()
    rendered = render_notice(notice, with_pdf=False)
    Notice.objects.filter(pk=notice.pk).update(
        subject=rendered.subject, body_text=rendered.text, body_html=rendered.html
    )
    notice.refresh_from_db()
    return notice


@time_machine.travel(NOW, tick=True)
def test_the_pages_showing_each_default_email_fit_a_phone(browser_page):
    ensure_default_templates()
    notice = build()  # overdue and not yet due, a moved due date, a boleto, PIX
    make_user("ana", "administrator")
    page = browser_page
    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, "ana", PASSWORD)
    for number in (1, 2, 3):
        notice = sent_with(notice, number)
        page.goto(page.base_url + reverse("notice", args=[notice.pk]))
        page.frame_locator("iframe.message-frame").locator("table.items").first.wait_for()
        assert_fits(page, f"carta, modelo {number}")
        assert plural_hedges(page.inner_text("body")) == []
        screenshot(page, f"carta-modelo-{number}-celular")

        captured = CapturedEmail.objects.create(
            notice=notice,
            message_id=f"<regua.{notice.pk}.{number}@exemplo.com.br>",
            from_header="cobranca@exemplo.com.br",
            to=["financeiro@boavista.com.br"],
            subject=notice.subject,
            body_text=notice.body_text,
            body_html=notice.body_html,
            raw=b"",
        )
        page.goto(page.base_url + reverse("captured_email", args=[captured.pk]))
        page.frame_locator("iframe.message-frame").locator("table.items").first.wait_for()
        assert_fits(page, f"e-mail capturado, modelo {number}")
        screenshot(page, f"email-capturado-modelo-{number}-celular")

        page.goto(page.base_url + reverse("template_edit", args=[number]))
        page.frame_locator("#preview iframe.message-frame").locator("table.items").first.wait_for(
            timeout=30_000
        )
        assert_fits(page, f"modelo {number}, pré-visualização")
        screenshot(page, f"modelo-{number}-celular")

    page.goto(page.base_url + reverse("template_edit", args=[2]) + "?modo=blocos")
    page.frame_locator("#preview iframe.message-frame").locator("table.items").first.wait_for(
        timeout=30_000
    )
    assert_fits(page, "modelo 2 por blocos de texto")
    assert plural_hedges(page.inner_text("body")) == []
    screenshot(page, "modelo-blocos-celular")


@time_machine.travel(NOW, tick=True)
def test_every_page_of_a_walk_fits_a_phone_and_hedges_no_plural(browser_page):
    ensure_default_templates()
    admin = make_user("ana", "administrator")
    world = make_world(admin)
    page = browser_page
    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, "ana", PASSWORD)
    walked = []
    for name, entry in MATRIX.items():
        method, kwargs, who = entry[:3]
        if (
            method != "GET"
            or who not in RANK
            or len(entry) > 3
            or name.endswith(("_pdf", "export"))
        ):
            continue
        url = reverse(name, kwargs={k: world.arg(v) for k, v in kwargs.items()})
        response = page.goto(page.base_url + url)
        assert response is not None and response.status == 200, url
        hedges = plural_hedges(page.inner_text("body")) + plural_hedges(page.content())
        assert hedges == [], url
        walked.append(name)
        assert_fits(page, url)
        if name in ("dashboard", "customer", "receivable", "notice", "ranges", "review"):
            screenshot(page, f"pagina-{name}-celular")
    assert {"dashboard", "customer", "receivable", "notice", "templates", "review"} <= set(walked)
