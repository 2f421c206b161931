import datetime
from decimal import Decimal

import pytest

from regua.letters import formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.56"), "R$ 1.234,56"),
        (Decimal("0"), "R$ 0,00"),
        (Decimal("1234567.005"), "R$ 1.234.567,01"),
        (Decimal("-10"), "-R$ 10,00"),
        (Decimal("0.5"), "R$ 0,50"),
        ("99.9", "R$ 99,90"),
    ],
)
def test_it_writes_money_the_brazilian_way(value, expected):
    assert formatting.money(value) == expected


def test_it_refuses_float_money():
    with pytest.raises(TypeError):
        formatting.money(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 11, 28), "28 de novembro de 2026"),
        (datetime.date(2026, 3, 1), "1º de março de 2026"),
        (None, ""),
    ],
)
def test_it_writes_long_dates_in_portuguese(value, expected):
    assert formatting.long_date(value) == expected


def test_it_writes_short_dates_day_first():
    assert formatting.short_date(datetime.date(2026, 2, 5)) == "05/02/2026"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-3, "vence em 3 dias"),
        (-1, "vence em 1 dia"),
        (0, "vence hoje"),
        (1, "venceu há 1 dia"),
        (45, "venceu há 45 dias"),
    ],
)
def test_it_words_the_due_status_for_both_sides_of_the_due_date(days, expected):
    assert formatting.due_status(days) == expected


def test_it_punctuates_cpf_cnpj_and_cep():
    assert formatting.document_number("11222333000181") == "11.222.333/0001-81"
    assert formatting.document_number("12345678909") == "123.456.789-09"
    assert formatting.document_number("isento") == "isento"
    assert formatting.zip_code("01001000") == "01001-000"


def test_it_writes_percentages_with_the_places_they_have():
    assert formatting.percent(Decimal("2.0000")) == "2%"
    assert formatting.percent(Decimal("0.0330")) == "0,033%"


def test_a_weekday_is_named_as_a_letter_writes_it():
    assert formatting.weekday(datetime.date(2026, 11, 29)) == "domingo"
    assert formatting.weekday(datetime.date(2026, 11, 28)) == "sábado"
    assert formatting.weekday(datetime.date(2026, 11, 30)) == "segunda-feira"
    assert formatting.weekday(None) == ""


def test_plural_picks_the_word_by_count():
    assert formatting.plural(1, "título", "títulos") == "título"
    assert formatting.plural(0, "título", "títulos") == "títulos"
    assert formatting.plural(2, "título", "títulos") == "títulos"


def test_a_company_name_takes_the_article_of_its_noun_or_none():
    assert formatting.of_name("Régua Distribuidora") == "da Régua Distribuidora"
    assert formatting.of_name("Mercado Central") == "do Mercado Central"
    assert formatting.of_name("Supermercado Bom Preço Ltda") == "do Supermercado Bom Preço Ltda"
    assert formatting.of_name("Fulano & Cia") == "de Fulano & Cia"
    assert formatting.of_name("Comercial Silva") == "de Comercial Silva"


def test_a_cnpj_or_a_company_suffix_makes_a_company():
    assert formatting.is_company("45.678.901/0001-23", "MERCADO BOA VISTA")
    assert not formatting.is_company("123.456.789-09", "JOSÉ DA SILVA")
    assert formatting.is_company("", "MERCADO BOA VISTA LTDA")
    assert not formatting.is_company("", "JOSÉ DA SILVA")


def test_a_persons_name_is_written_as_people_write_it():
    assert formatting.person_name("JOSÉ DA SILVA") == "José da Silva"
    assert formatting.person_name("maria dos santos e souza") == "Maria dos Santos e Souza"


def test_the_return_line_is_shortened_by_whole_words_and_keeps_the_city():
    short = formatting.return_line("ACME LTDA", "Rua A, 1", "Campinas", "SP")
    assert short == "ACME LTDA - Rua A, 1 - Campinas/SP"
    name = "DISTRIBUIDORA DE PRODUTOS ALIMENTICIOS REGIONAL DO INTERIOR PAULISTA LTDA"
    line = formatting.return_line(name, "Rodovia Anhanguera, km 100", "Campinas", "SP")
    assert len(line) <= formatting.RETURN_LINE_MAX
    assert line.endswith(" - Campinas/SP")
    kept = line.removesuffix(" - Campinas/SP")
    assert name.startswith(kept) and name[len(kept)] == " "  # cut between words
    medium = formatting.return_line("MERCADO BOA VISTA LTDA", "Avenida " + "X" * 40, "Santos", "SP")
    assert medium == "MERCADO BOA VISTA LTDA - Santos/SP"
