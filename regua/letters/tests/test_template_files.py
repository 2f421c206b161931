"""A template cannot make a letter or an e-mail carry a file of the server (issue 19, finding 1).

A secret file sits outside the package; its text is a stylesheet that would
write its marker on the page, so it shows whether it was embedded as an
attachment (the marker in the PDF's streams), read as a stylesheet (the marker
in the PDF's text) or linked from an e-mail. Every spelling of its path is
tried through every tag, attribute and CSS construct that names a resource,
on the preview, the review PDF, the batch print and the e-mail as sent.
"""

import datetime
import email
import email.policy
import io
import os
import re
import uuid
import zlib
from pathlib import Path
from urllib.parse import quote

import pypdf
import pytest

from regua.delivery.outbox import deliver_now
from regua.letters import pdf
from regua.letters.models import LetterTemplate
from regua.letters.rendering import preview, render_notice
from regua.letters.review import approve, held_letters_pdf, list_held
from regua.letters.sanitising import clean_css, clean_html
from regua.letters.tests.builders import make_held_notice, pdf_text, stored_pdf
from regua.letters.tests.test_approval_sending import smtp_inbox  # noqa: F401 - fixture
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

MARKER = "SEGREDO-" + uuid.uuid4().hex


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.css"
    path.write_text(f'/* {MARKER} */ main::before {{ content: "{MARKER}"; }}\n', encoding="utf-8")
    return path


@pytest.fixture
def static_link(secret):
    """A symbolic link put in the package's static folder, pointing at the secret."""
    link = pdf.STATIC_DIR / f"link-{uuid.uuid4().hex}.css"
    link.symlink_to(secret)
    yield link
    link.unlink()


def spellings(secret: Path, link: Path) -> list[str]:
    """Every way found to write the secret's path (or the link's) so a naive check passes."""
    absolute = str(secret)
    relative = os.path.relpath(secret, pdf.STATIC_DIR)
    ups = relative.count("../")
    tail = relative.replace("../", "")
    static = str(pdf.STATIC_DIR)
    return [
        relative,
        "%2e%2e/" * ups + tail,
        "%2E%2E/" * ups + tail,
        "%252e%252e/" * ups + tail,
        "%25252e%25252e/" * ups + tail,
        "..%2f" * ups + tail,
        "..%252f" * ups + tail,
        "%2e%2e%2f" * ups + quote(tail, safe=""),
        ".%2e/" * ups + tail,
        "..\\" * ups + tail.replace("/", "\\"),
        "fonts/../" + relative,
        absolute,
        "//" + absolute.lstrip("/"),
        "file://" + absolute,
        "file:" + absolute,
        "file:/" + absolute,
        "file:///" + quote(absolute.lstrip("/"), safe=""),
        "FILE://localhost" + absolute,
        "file://127.0.0.1" + absolute,
        "file://" + static + "/" + "%2e%2e/" * (ups + 2) + absolute.lstrip("/"),
        "file://" + static + "/" + "%252e%252e/" * (ups + 2) + absolute.lstrip("/"),
        "file://" + static + "/fonts/..%2f..%2f" + "..%2f" * ups + tail,
        "file://" + static + "/letter.css/../" + relative,
        "file://" + static + "/letter.css?/../../" + relative,
        " file://" + absolute,
        "fi\tle://" + absolute,
        link.name,
        "file://" + str(link),
    ]


def hostile(urls: list[str]) -> str:
    """Every tag, attribute and CSS construct that names a resource, once per spelling."""
    pieces = []
    for url in urls:
        pieces += [
            f'<link rel="attachment" href="{url}">',
            f'<a rel="attachment" href="{url}">anexo</a>',
            f'<link rel="stylesheet" href="{url}">',
            f'<img src="{url}">',
            f'<object data="{url}"></object>',
            f'<embed src="{url}">',
            f'<iframe src="{url}"></iframe>',
            f'<svg><image href="{url}"/></svg>',
            f"<div style=\"background: url('{url}')\">x</div>",
            f'<style>@import "{url}";</style>',
            f"<style>@import url({url});</style>",
            f"<style>p {{ background-image: \\75 rl({url}) }}</style>",
            f'<style>@font-face {{ font-family: X; src: url("{url}") }}</style>',
        ]
    return "\n".join(pieces)


def everything_in(data: bytes) -> bytes:
    """The PDF's bytes and every stream of it decompressed, to look for the marker."""
    found = [data]
    for chunk in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            found.append(zlib.decompress(chunk))
        except zlib.error:
            found.append(chunk)
    return b"\n".join(found)


def assert_no_secret(letter: bytes) -> None:
    assert letter.startswith(b"%PDF")
    assert MARKER.encode() not in everything_in(letter)
    assert MARKER not in pdf_text(letter)
    assert not pypdf.PdfReader(io.BytesIO(letter)).attachments


def assert_clean_email_html(html: str) -> None:
    lowered = html.lower()
    for forbidden in ("<link", "<object", "<embed", "<iframe", "<svg", "rel=", "@import"):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"url\s*\(", lowered)
    assert MARKER not in html
    for src in re.findall(r'<img[^>]*\ssrc="([^"]*)"', html):
        assert src.startswith(("data:image/", "cid:")), src
    for href in re.findall(r'\shref="([^"]*)"', html):
        assert href.startswith(("http:", "https:", "mailto:", "tel:")), href


@pytest.fixture
def payload(secret, static_link):
    return hostile(spellings(secret, static_link))


def test_the_fetcher_reads_only_its_own_three_files_whatever_the_spelling(secret, static_link):
    for url in spellings(secret, static_link):
        joined = url if ":" in url[:10] else pdf.STATIC_DIR.as_uri() + "/" + url
        assert not pdf.allowed_url(joined), url
        assert pdf.allowed_file(joined) is None, url
    for path in (pdf.STYLESHEET, pdf.FONT_FILE, pdf.BOLD_FONT_FILE):
        assert pdf.allowed_url(path.as_uri())
        assert pdf.allowed_url("file://localhost" + quote(str(path)))
    assert pdf.allowed_url("data:image/png;base64,iVBORw0KGgo=")
    assert not pdf.allowed_url("http://127.0.0.1/letter.css")
    assert not pdf.allowed_url(pdf.STATIC_DIR.as_uri() + "/fonts/LICENSE.txt")


def test_a_link_in_the_static_folder_named_as_an_allowed_file_is_refused(static_link, monkeypatch):
    monkeypatch.setattr(pdf, "ALLOWED_FILES", pdf.ALLOWED_FILES | {str(static_link)})
    assert pdf.allowed_file(static_link.as_uri()) is None


def test_the_sanitiser_keeps_formatting_and_drops_every_way_to_name_a_resource(payload):
    cleaned = clean_html(
        payload + '<p style="color: red">texto</p><img src="data:image/png;base64,AAAA" alt="QR">'
    )
    assert_clean_email_html(cleaned)
    assert '<p style="color: red">texto</p>' in cleaned
    assert '<img src="data:image/png;base64,AAAA" alt="QR">' in cleaned


@pytest.mark.parametrize(
    "css",
    [
        "p { background: url(x) }",
        "p { background: URL ( x ) }",
        "p { background: \\75 rl(x) }",
        "p { background: \\000075rl(x) }",
        "p { background: u\\rl(x) }",
        "p { background: uurl(rl(x) }",
        "p { background: image-set('x' 1x) }",
        "@import 'x';",
        "@\\69mport 'x';",
        "@im/**/port 'x'; p { background: ur/* */l(x) }",
        "p { content: '\\3c /style\\3e <script>' }",
    ],
)
def test_css_loses_urls_and_imports_however_escaped(css):
    cleaned = clean_css(css)
    assert not re.search(r"(url|image-set)\s*\(", cleaned, re.IGNORECASE)
    assert "@import" not in cleaned.lower()
    assert "\\" not in cleaned and "<" not in cleaned


def test_the_phone_layout_keeps_its_media_queries():
    css = "@media (max-width: 600px) { table.items td { display: block } }"
    cleaned = clean_html(f"<style>{css}</style><p>x</p>")
    assert cleaned == f"<style>{css}</style><p>x</p>"


# A template of its own, so these tests hold whatever the shipped ones say.
BASE = {
    "name": "Teste de arquivos",
    "subject": "Aviso para {{ customer.name }}",
    "body_text": (
        "Olá {{ customer.name }}\n{{ branch.legal_name }} {{ branch.cnpj }} {{ branch.address }}\n"
        "{% for item in items %}{{ item.document }} {{ item.balance|money }}\n{% endfor %}"
    ),
    "body_html": (
        "<p>Olá {{ customer.name }}</p>"
        "<p>{{ branch.legal_name }} {{ branch.cnpj }} {{ branch.address }}</p>"
        '{% if pix %}<img src="{{ pix.qr }}" alt="PIX">{% endif %}'
    ),
    "letter_html": (
        "<p>Prezado {{ customer.name }}</p>"
        "{% for item in items %}<p>{{ item.document }} {{ item.balance|money }}</p>{% endfor %}"
    ),
}


def letter_fields(payload: str) -> dict[str, str]:
    return {**BASE, "letter_html": BASE["letter_html"] + payload}


def test_the_preview_pdf_carries_no_file_of_the_server(payload):
    rendered = preview(letter_fields(payload), with_pdf=True)
    assert rendered.pdf is not None
    assert_no_secret(rendered.pdf)
    assert "MERCADO BOA VISTA LTDA" in pdf_text(rendered.pdf)


def stored_hostile_template(number: int, payload: str) -> None:
    """A template holding the payload, as one saved before the fix would hold it."""
    LetterTemplate.objects.filter(number=number).update(
        **{**BASE, "letter_html": BASE["letter_html"] + payload},
        body_html_ready=BASE["body_html"] + payload,
    )


def held_notice(number: int, name: str = "MERCADO BOA VISTA LTDA", run=None):
    branch = make_branch("1")
    customer = make_customer(name=name, billing_email="fin@boavista.com.br")
    receivable = make_receivable(
        branch, customer, datetime.date(2026, 11, 1), "480.00", document=f"D{uuid.uuid4().hex[:6]}"
    )
    delay_range = make_range(1, 60, template=number, generation="email_and_letter")
    notice = make_held_notice(delay_range, [receivable], run=run)
    notice.recipients = ["fin@boavista.com.br"]
    notice.save()
    return notice


def test_the_review_pdf_and_the_batch_print_carry_no_file_of_the_server(payload):
    stored_hostile_template(3, payload)
    notice = held_notice(3)
    [listed] = list_held()
    letter = stored_pdf(listed)
    assert_no_secret(letter)
    assert "MERCADO BOA VISTA LTDA" in pdf_text(letter)
    printed = held_letters_pdf(notice.run_id)
    assert_no_secret(printed)


def test_the_email_as_sent_links_no_file_and_its_letter_embeds_none(payload, smtp_inbox):  # noqa: F811
    stored_hostile_template(3, payload)
    notice = held_notice(3)

    deliver_now(approve([notice.pk], "ana").done)

    [raw] = smtp_inbox.messages
    assert MARKER.encode() not in raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    html = message.get_body(("html",))
    assert html is not None
    assert_clean_email_html(html.get_content())
    [attachment] = list(message.iter_attachments())
    assert_no_secret(attachment.get_content())


def test_the_rendered_email_of_a_pending_notice_is_cleaned_too(payload):
    stored_hostile_template(1, payload)
    notice = held_notice(1)
    rendered = render_notice(notice, with_pdf=True)
    assert_clean_email_html(rendered.html)
    assert rendered.pdf is not None
    assert_no_secret(rendered.pdf)


def test_the_fetcher_alone_holds_when_html_reaches_weasyprint_uncleaned(payload):
    html = f"<!DOCTYPE html><html><head></head><body><main>{payload}<p>fim</p></main></body></html>"
    letter = pdf.render_pdf(html)
    assert_no_secret(letter)
    assert "fim" in pdf_text(letter)
