"""The three ready templates follow R9 and CDC art. 42 / 42-A without editing."""

import pytest

from regua.letters.editing import default_templates
from regua.letters.inlining import inline_css
from regua.letters.rendering import Parts, render
from regua.letters.samples import sample_contexts
from regua.letters.sandbox import validate_template
from regua.letters.tests.builders import flat, pdf_text

NAMES = {1: "Lembrete", 2: "Aviso de débito em atraso", 3: "Notificação extrajudicial"}
# Words a collection letter must not use (CDC art. 42: no threat, no embarrassment).
UNFIT = (
    "prisão",
    "polícia",
    "vergonha",
    "caloteiro",
    "devedor",
    "ameaça",
    "imediatamente",
    "crime",
)


def rendered(number, context_index=0, with_pdf=False):
    fields = default_templates()[number]
    parts = Parts(
        subject=fields["subject"],
        body_text=fields["body_text"],
        body_html=inline_css(fields["body_html"]),
        letter_html=fields["letter_html"],
    )
    return render(parts, sample_contexts()[context_index], with_pdf=with_pdf)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_default_template_is_valid_and_named(number):
    fields = default_templates()[number]
    assert fields["name"] == NAMES[number]
    assert validate_template(fields) == []


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_default_names_the_creditor_says_disregard_if_paid_and_gives_a_contact(number):
    result = rendered(number, with_pdf=True)
    for text in (result.text, result.html, flat(pdf_text(result.pdf))):
        for value in ("DISTRIBUIDORA MODELO LTDA", "11.222.333/0001-81", "Rua das Flores, 100"):
            assert value in text
        assert "Caso já tenha efetuado o pagamento, por favor desconsidere" in text
        assert "(11) 3000-0000" in text and "cobranca@modelo.com.br" in text
        lowered = text.lower()
        assert not [word for word in UNFIT if word in lowered]


def test_the_reminder_words_both_titulos_due_soon_and_overdue():
    full = rendered(1).text
    assert "venceu há 30 dias" in full and "vence em 5 dias" in full
    only_due_soon = rendered(1, context_index=1).text
    assert "vence em 3 dias" in only_due_soon
    assert "O pagamento até o vencimento evita multa e juros" in only_due_soon
    assert "Olá, José da Silva." in only_due_soon  # a person (CPF) greeted by name


def test_the_final_notice_gives_the_period_and_cites_no_law_by_default():
    text = rendered(3).text
    assert "no prazo de 10 dias, até 8 de dezembro de 2026" in text
    assert "Lei" not in text and "art." not in text


def test_a_notice_without_pix_or_boleto_leaves_their_parts_out():
    result = rendered(2, context_index=1)
    assert "PIX" not in result.text and "PIX" not in result.html
    assert "Linha digitável" not in result.text
