"""Portuguese chosen by count: no "(s)", "(a)" or "(es)" in any default template's output.

Each default template, for a company and for a person, with overdue and
not-yet-due títulos and with only not-yet-due ones, one and several: subject,
text e-mail, HTML e-mail and PDF letter.
"""

import re

import pytest

from regua.letters.blocks import SUGGESTED_BLOCKS, template_sources
from regua.letters.rendering import Parts, render, render_notice
from regua.letters.samples import sample_contexts
from regua.letters.tests.builders import flat, pdf_text
from regua.letters.tests.test_overdue_apart import build, with_template
from regua.test import plural_hedges

pytestmark = pytest.mark.django_db


def every_part(subject: str, text: str, html: str, pdf: bytes | None) -> dict[str, str]:
    parts = {"assunto": subject, "texto": text, "HTML": re.sub(r"<[^>]+>", " ", html)}
    if pdf is not None:
        parts["PDF"] = flat(pdf_text(pdf))
    return parts


@pytest.mark.parametrize("number", [1, 2, 3])
@pytest.mark.parametrize(
    "customer",
    [
        {"document": "45.678.901/0001-23", "name": "MERCADO BOA VISTA LTDA"},
        {"document": "123.456.789-09", "name": "JOSE DA SILVA"},
    ],
    ids=["empresa", "pessoa"],
)
@pytest.mark.parametrize("only_upcoming", [False, True], ids=["vencidos", "so-a-vencer"])
def test_no_default_template_hedges_a_plural(number, customer, only_upcoming):
    notice = with_template(build(only_upcoming=only_upcoming, **customer), number)
    rendered = render_notice(notice, with_pdf=True)
    for where, text in every_part(
        rendered.subject, rendered.text, rendered.html, rendered.pdf
    ).items():
        assert plural_hedges(text) == [], where


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_text_blocks_suggested_for_each_template_hedge_no_plural(number):
    sources = template_sources("Modelo", SUGGESTED_BLOCKS[number])
    parts = Parts(
        sources["subject"], sources["body_text"], sources["body_html"], sources["letter_html"]
    )
    for context in sample_contexts():
        rendered = render(parts, context, with_pdf=False)
        for where, text in every_part(rendered.subject, rendered.text, rendered.html, None).items():
            assert plural_hedges(text) == [], where
