import datetime
import io
import re
from decimal import Decimal
from typing import Any

import pypdf
import pytest

from regua.dunning.models import NoticeStatus
from regua.letters import pix
from regua.letters.models import LetterSettings
from regua.letters.rendering import freeze_charges, html_with_cid, render_letter, render_notice
from regua.letters.tests.builders import flat, make_held_notice, pdf_text, qr_in_html, qr_in_pdf
from regua.test import (
    make_branch,
    make_collection,
    make_customer,
    make_range,
    make_receivable,
    set_state,
)

pytestmark = pytest.mark.django_db

D = datetime.date
# A boleto of 104600/2 with valid check digits (its factor and amount are the título's).
LINE = "23791.23454 60000.012348 56780.001238 8 16300000234567"


@pytest.fixture
def notice():
    branch = make_branch(
        "1",
        legal_name="DISTRIBUIDORA EXEMPLO 1 LTDA",
        cnpj="11.222.333/0001-81",
        pix_key="11.222.333/0001-81",
        fine_percent=Decimal("2.00"),
        monthly_interest_percent=Decimal("1.00"),
    )
    customer = make_customer(
        "C1",
        name="MERCADO BOA VISTA LTDA",
        address="Av. Brasil, 2000",
        district="Jardim América",
        city="Campinas",
        state="SP",
        zip_code="13010-000",
    )
    boleto = make_collection("BK", fine_percent=Decimal("5.00"))
    a = make_receivable(
        branch,
        customer,
        D(2026, 10, 29),
        "1500.00",
        document="104512",
        installment="1",
        paid_amount=Decimal("500.00"),
        issue_date=D(2026, 9, 29),
    )
    b = make_receivable(
        branch,
        customer,
        D(2026, 11, 14),
        "2345.67",
        document="104600",
        installment="2",
        collection=boleto,
        issue_date=D(2026, 10, 15),
        digitable_line=LINE,
    )
    c = make_receivable(
        branch,
        customer,
        D(2026, 12, 3),
        "300.00",
        document="104700",
        installment="1",
        issue_date=D(2026, 11, 3),
    )
    delay_range = make_range(-10, 60, template=2, generation="email_and_letter")
    # b falls due on a Saturday: its effective due date is Monday 16 (R2).
    return make_held_notice(delay_range, [a, b, c], effective_due_dates={b.pk: D(2026, 11, 16)})


# Computed by hand at 28/11/2026, branch 2 % + 1 % a month, boleto's fine 5 %:
#   104512/1: balance 1.000,00, 30 days: fine 20,00, interest 1000 × 1 % / 30 × 30 = 10,00 → 1.030,00
#   104600/2: balance 2.345,67, 12 days (from 16/11): fine 117,2835 → 117,28,
#             interest 2345,67 × 1 % / 30 × 12 = 9,38268 → 9,38 → 2.472,33
#   104700/1: balance 300,00, due in 5 days: nothing → 300,00
EXPECTED_VALUES = [
    "DISTRIBUIDORA EXEMPLO 1 LTDA",
    "11.222.333/0001-81",
    "Rua das Flores, 100",
    "MERCADO BOA VISTA LTDA",
    "104512/1",
    "104600/2",
    "104700/1",
    "29/09/2026",
    "29/10/2026",
    "14/11/2026 (sábado), prorrogado para 16/11/2026",  # R2: both dates
    "03/12/2026",
    "venceu há 30 dias",
    "venceu há 12 dias",
    "vence em 5 dias",
    "R$ 1.000,00",
    "R$ 20,00",
    "R$ 10,00",
    "R$ 1.030,00",
    "R$ 2.345,67",
    "R$ 117,28",
    "R$ 9,38",
    "R$ 2.472,33",
    "R$ 300,00",  # not yet due (R9): listed apart, its value only
    "R$ 3.345,67",  # overdue total balance
    "R$ 137,28",  # total fine
    "R$ 19,38",  # total interest
    "R$ 3.502,33",  # overdue total updated: what the notice demands
    "28 de novembro de 2026",
    LINE,
    "desconsidere",
    "(11) 3000-0000",
    "cobranca@exemplo.com.br",
]


def expected_payload(notice):
    return pix.static_payload(
        "11222333000181",
        "DISTRIBUIDORA EXEMPLO 1 L",
        "SAO PAULO",
        Decimal("3502.33"),  # R9: only the overdue títulos
        f"CARTA{notice.pk}",
    )


def test_the_plain_text_email_shows_every_value(notice):
    rendered = render_notice(notice, with_pdf=False)
    for value in EXPECTED_VALUES:
        assert value in rendered.text, value
    assert expected_payload(notice) in rendered.text


def test_the_html_email_shows_every_value_and_a_qr_that_decodes_to_the_pix(notice):
    rendered = render_notice(notice, with_pdf=False)
    for value in EXPECTED_VALUES:
        assert value in rendered.html, value
    assert 'style="' in rendered.html  # CSS inlined; only the phone layout's @media stays
    assert all(
        r.strip().startswith("@media")
        for r in re.findall(r"<style>(.*?)</style>", rendered.html, re.DOTALL)
    )
    [payload] = qr_in_html(rendered.html)
    assert payload == expected_payload(notice)
    assert pix.crc_is_valid(payload)
    assert pix.parse(payload)["54"] == "3502.33"


def test_the_pdf_letter_shows_every_value_page_numbers_and_a_qr(notice):
    rendered = render_notice(notice)
    assert rendered.pdf is not None
    text = flat(pdf_text(rendered.pdf))
    for value in EXPECTED_VALUES:
        assert value in text, value
    assert "Página 1 de 2" in text and "Página 2 de 2" in text  # the courtesy list runs on
    assert "Campinas/SP" in text and "CEP 13010-000" in text
    # The code wraps across lines: compare without whitespace.
    assert expected_payload(notice).replace(" ", "") in "".join(text.split())
    # One QR image; a two-page letter lists its resources on both pages.
    [payload] = set(qr_in_pdf(rendered.pdf))
    assert payload == expected_payload(notice)
    assert pix.crc_is_valid(payload)


def test_the_subject_names_the_creditor_on_one_line(notice):
    assert (
        render_notice(notice, with_pdf=False).subject
        == "Aviso de débito em atraso - DISTRIBUIDORA EXEMPLO 1 LTDA"
    )


def test_rendering_alone_writes_nothing_to_the_items(notice):
    render_notice(notice, with_pdf=True)

    assert set(notice.items.values_list("fine", "updated_amount")) == {(None, None)}


def test_freezing_the_rendered_charges_stores_fine_interest_and_updated_amount_on_the_items(
    notice,
):
    freeze_charges([render_notice(notice, with_pdf=False)])
    stored = {
        item.receivable.document: (item.fine, item.interest, item.updated_amount)
        for item in notice.items.select_related("receivable")
    }
    assert stored == {
        "104512": (Decimal("20.00"), Decimal("10.00"), Decimal("1030.00")),
        "104600": (Decimal("117.28"), Decimal("9.38"), Decimal("2472.33")),
        "104700": (Decimal("0.00"), Decimal("0.00"), Decimal("300.00")),
    }


def test_a_sent_notices_items_are_never_rewritten(notice):
    set_state(notice, NoticeStatus.SENT)
    freeze_charges([render_notice(notice, with_pdf=False)])
    assert set(notice.items.values_list("fine", flat=True)) == {None}


def test_the_letter_embeds_the_packaged_font(notice):
    reader = pypdf.PdfReader(io.BytesIO(render_letter(notice)))
    fonts: Any = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    names = []
    for font in fonts.values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded
        names.append(str(font["/BaseFont"]))
    # "Regua Sans" is the @font-face over the shipped DejaVu Sans, not a system font.
    assert any(name.endswith("+Regua-Sans") for name in names), names


def test_the_customers_address_sits_in_the_window_of_the_envelope(notice):
    reader = pypdf.PdfReader(io.BytesIO(render_letter(notice)))
    page = reader.pages[0]
    height = float(page.mediabox.height)
    positions: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = (tm[4] * cm[0] + cm[4]) / 72 * 25.4
            y = (height - (tm[5] * cm[3] + cm[5])) / 72 * 25.4
            positions.setdefault(text.strip(), (x, y))

    page.extract_text(visitor_text=visit)
    # DIN 5008 form B / DL window: 20 mm from the left, 45 to 90 mm from the top, 85 mm wide.
    for line in ("MERCADO BOA VISTA LTDA", "Av. Brasil, 2000", "CEP 13010-000"):
        x, y = positions[line]
        assert 19 <= x <= 25, (line, x)
        assert 45 <= y <= 90, (line, y)


def test_the_same_notice_gives_the_same_pdf_bytes(notice):
    assert render_notice(notice).pdf == render_notice(notice).pdf


def test_an_email_only_notice_has_no_pdf(notice):
    notice.generation = "email"
    assert render_notice(notice).pdf is None


def test_customer_data_with_markup_is_escaped_in_the_html_email_and_letter(notice):
    notice.customer.name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    notice.customer.save()
    rendered = render_notice(notice)
    assert "<script>" not in rendered.html
    assert "<img src=x" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<script>alert" in rendered.text  # plain text is not HTML: shown as typed
    assert '<script>alert("x")</script>' in pdf_text(rendered.pdf)  # shown, not run


def test_line_breaks_in_customer_data_never_reach_the_subject(notice):
    template = notice.template
    template.subject = "Aviso\r\nBcc: x@evil.example {{ customer.name }}"
    template.save()
    notice.customer.name = "ACME\r\nBcc: outro@evil.example\n"
    notice.customer.save()
    subject = render_notice(notice, with_pdf=False).subject
    assert "\n" not in subject and "\r" not in subject
    assert subject == "Aviso Bcc: x@evil.example ACME Bcc: outro@evil.example"


def test_the_final_notice_states_the_configured_period_and_cites_no_law_unless_configured(notice):
    notice.template = notice.template.__class__.objects.get(number=3)
    settings = LetterSettings.load()
    settings.final_notice_days = 15
    settings.save()
    text = render_notice(notice, with_pdf=False).text
    assert "no prazo de 15 dias, até 13 de dezembro de 2026" in text
    assert "protesto" in text
    assert "Lei" not in text and "nos termos de" not in text
    settings.final_notice_legal_basis = "Lei 9.492/1997"
    settings.save()
    assert "nos termos de Lei 9.492/1997" in render_notice(notice, with_pdf=False).text


def test_html_with_cid_turns_data_images_into_inline_parts(notice):
    html, images = html_with_cid(render_notice(notice, with_pdf=False).html)
    assert 'src="cid:img1@regua"' in html and "data:image" not in html
    [(cid, png)] = images
    assert cid == "img1@regua" and png.startswith(b"\x89PNG")


def test_a_letter_cannot_make_weasyprint_read_files_or_the_network(notice, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(pix.qr_png("arquivo do servidor"))
    template = notice.template
    template.letter_html = (
        f'<img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
        f'<link rel="stylesheet" href="file://{tmp_path}/x.css"><p>{{{{ customer.name }}}}</p>'
    )
    template.save()
    branch = notice.branch
    branch.pix_key = ""
    branch.save()
    pdf = render_notice(notice).pdf
    assert "MERCADO BOA VISTA LTDA" in pdf_text(pdf)
    assert qr_in_pdf(pdf) == []  # the file's image was never read
