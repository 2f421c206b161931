"""Jinja's syntax errors told in Portuguese, with the line they are on."""

import pytest

from regua.letters.samples import sample_contexts
from regua.letters.sandbox import check_part, syntax_message


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        (
            "Olá\n{{ customer.name ",
            2,
            "erro de sintaxe: o modelo terminou antes do esperado: faltou }} (fim da expressão)",
        ),
        (
            "Olá\n\n{% if customer.is_company %}Prezados",
            3,
            "erro de sintaxe: o modelo terminou sem fechar o {% if %}: "
            "falta {% elif %} ou {% else %} ou {% endif %}",
        ),
        (
            "{% for item in items %}\n{{ item.document }}\n{% endif %}",
            3,
            "erro de sintaxe: {% endif %} fora do lugar: o {% for %} aberto espera "
            "{% endfor %} ou {% else %}",
        ),
        ("x\n{% mostrar customer %}", 2, "erro de sintaxe: instrução desconhecida {% mostrar %}"),
        (
            "{{ customer.name customer.code }}",
            1,
            "erro de sintaxe: esperava }} (fim da expressão) e encontrou 'customer'",
        ),
        ("{# nota", 1, "erro de sintaxe: comentário {# sem o fechamento #}"),
        (
            "{% if %}x{% endif %}",
            1,
            "erro de sintaxe: faltou uma expressão antes de %} (fim da instrução)",
        ),
    ],
)
def test_a_syntax_error_is_told_in_portuguese_with_its_line(source, line, message):
    [problem] = check_part("body_text", source, sample_contexts())
    assert (problem.line, problem.message) == (line, message)
    assert str(problem).startswith(f"E-mail (texto), linha {line}: erro de sintaxe")


def test_an_unknown_filter_is_named_in_portuguese():
    [problem] = check_part("body_text", "{{ customer.name|gritar }}", sample_contexts())
    assert "filtro desconhecido 'gritar'" in problem.message


def test_an_error_jinja_words_unlike_any_other_keeps_its_own_words():
    assert syntax_message("something new") == "erro de sintaxe (something new)"
