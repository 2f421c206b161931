"""R9: a notice demands only what is overdue; what is not yet due is listed apart, as a courtesy.

The notice below mixes two overdue títulos and one that falls due in 5 days.
Computed by hand at 28/11/2026 (branch 2 % + 1 % a month, the boleto's fine 5 %):
  104512/1: balance 1.000,00, 30 days: 20,00 + 10,00 → 1.030,00
  104600/2: balance 2.345,67, due Saturday 14/11, moved to Monday 16/11 (R2), 12 days:
            117,28 + 9,38 → 2.472,33
  104700/1: 300,00, due 03/12/2026: no fine, no interest
Overdue updated total 3.502,33; whole 3.802,33, which no default template may demand.
"""

import datetime
import re
from decimal import Decimal

import pytest

from regua.letters import pix
from regua.letters.models import LetterTemplate
from regua.letters.rendering import render_notice
from regua.letters.tests.builders import flat, make_held_notice, pdf_text, qr_in_html, qr_in_pdf
from regua.test import make_branch, make_collection, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date
OVERDUE_TOTAL = "R$ 3.502,33"
WHOLE_TOTAL = "R$ 3.802,33"
# What demands or warns: every such sentence comes before the courtesy list.
DEMANDING = ("regularizar", "regularização", "protesto", "proteção ao crédito", "pedimos")


def build(*, document="45.678.901/0001-23", name="MERCADO BOA VISTA LTDA", only_upcoming=False):
    branch = make_branch(
        "1",
        legal_name="DISTRIBUIDORA EXEMPLO 1 LTDA",
        trade_name="Exemplo Distribuidora",
        cnpj="11.222.333/0001-81",
        pix_key="11.222.333/0001-81",
        fine_percent=Decimal("2.00"),
        monthly_interest_percent=Decimal("1.00"),
    )
    customer = make_customer(
        "C1",
        name=name,
        document=document,
        address="Av. Brasil, 2000",
        district="Jardim América",
        city="Campinas",
        state="SP",
        zip_code="13010-000",
    )
    boleto = make_collection("BK", fine_percent=Decimal("5.00"), description="Boleto bancário")
    c = make_receivable(
        branch, customer, D(2026, 12, 3), "300.00", document="104700", installment="1"
    )
    if only_upcoming:
        d = make_receivable(
            branch, customer, D(2026, 11, 29), "120.00", document="104800", installment="1"
        )
        delay_range = make_range(-10, 60, template=1)
        return make_held_notice(delay_range, [c, d], effective_due_dates={d.pk: D(2026, 11, 30)})
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
        our_number="00012345",
    )
    delay_range = make_range(-10, 60, template=2, generation="email_and_letter")
    return make_held_notice(delay_range, [a, b, c], effective_due_dates={b.pk: D(2026, 11, 16)})


def with_template(notice, number):
    notice.template = LetterTemplate.objects.get(number=number)
    notice.save()
    return notice


def outputs(notice):
    rendered = render_notice(notice, with_pdf=True)
    return rendered, {
        "texto": rendered.text,
        "HTML": re.sub(r"<[^>]+>", " ", rendered.html),
        "PDF": flat(pdf_text(rendered.pdf)),
    }


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_notice_mixing_both_demands_only_the_overdue_total(number):
    notice = with_template(build(), number)
    rendered, parts = outputs(notice)
    for where, text in parts.items():
        text = " ".join(text.split())
        assert OVERDUE_TOTAL in text, where
        assert WHOLE_TOTAL not in text, where
        courtesy = text.lower().index("a vencer")
        upcoming = text.index("104700/1")
        assert courtesy < upcoming, where
        for word in DEMANDING:
            for found in re.finditer(re.escape(word), text, re.IGNORECASE):
                assert found.start() < courtesy, (where, word)
        # The not-yet-due título carries its value, never a fine or interest.
        after = text[upcoming:]
        assert "R$ 300,00" in after and "multa" not in after.lower().split("dúvidas")[0], where
    in_html, in_pdf = qr_in_html(rendered.html), qr_in_pdf(rendered.pdf)
    assert len(in_html) == 1 and in_pdf and set(in_pdf) == set(in_html)
    for payload in in_html:
        assert pix.crc_is_valid(payload)
        assert pix.parse(payload)["54"] == "3502.33"


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_notice_with_nothing_overdue_is_a_reminder_whose_pix_carries_what_falls_due(number):
    notice = with_template(build(only_upcoming=True), number)
    rendered, parts = outputs(notice)
    for where, text in parts.items():
        text = " ".join(text.split())
        assert "O pagamento até o vencimento evita multa e juros" in text, where
        assert "R$ 420,00" in text, where
        for word in DEMANDING:
            assert word not in text.lower(), (where, word)
    assert "Notificação" not in rendered.subject and "atraso" not in rendered.subject
    [payload] = qr_in_html(rendered.html)
    assert pix.parse(payload)["54"] == "420.00"


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_moved_due_date_shows_the_original_and_the_business_day(number):
    notice = with_template(build(), number)
    _, parts = outputs(notice)
    for where, text in parts.items():
        assert "14/11/2026 (sábado), prorrogado para 16/11/2026" in " ".join(text.split()), where


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_moved_due_date_not_yet_reached_shows_both_dates_too(number):
    _, parts = outputs(with_template(build(only_upcoming=True), number))
    for where, text in parts.items():
        assert "29/11/2026 (domingo), prorrogado para 30/11/2026" in " ".join(text.split()), where


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_company_is_greeted_prezados_and_a_person_by_name(number):
    _, parts = outputs(with_template(build(), number))
    assert all("Prezados," in text for text in parts.values())
    assert all("Prezado(a)" not in text for text in parts.values())


@pytest.mark.parametrize("number", [1, 2, 3])
def test_a_person_is_greeted_by_name_written_as_people_write_it(number):
    notice = with_template(build(document="123.456.789-09", name="JOSÉ DA SILVA"), number)
    _, parts = outputs(notice)
    for where, text in parts.items():
        assert "José da Silva" in text, where
        assert "Prezados" not in text, where


@pytest.mark.parametrize("number", [1, 2, 3])
@pytest.mark.parametrize("only_upcoming", [False, True])
def test_no_default_template_writes_a_plural_in_parentheses(number, only_upcoming):
    notice = with_template(build(only_upcoming=only_upcoming), number)
    rendered, parts = outputs(notice)
    for where, text in {**parts, "assunto": rendered.subject}.items():
        assert not re.search(r"\((s|a|es|as|os)\)", text), (where, text)


def test_model_2_gives_a_deadline_the_customers_cnpj_and_the_nosso_numero():
    _, parts = outputs(with_template(build(), 2))
    for where, text in parts.items():
        text = " ".join(text.split())
        assert "até 3 de dezembro de 2026" in text, where
        assert "CNPJ 45.678.901/0001-23" in text, where
        assert "00012345" in text, where
        assert "Boleto bancário" in text, where


def test_the_reminder_names_the_branch_with_its_article():
    rendered = render_notice(with_template(build(), 1), with_pdf=False)
    assert "lembrete amigável da Exemplo Distribuidora" in rendered.text
