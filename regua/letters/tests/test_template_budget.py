"""A template cannot exhaust the server or outlive its budget (issue 19, finding 2).

Every construct the security review used to spin, fill the memory or crash
validation comes back as a Portuguese message naming the part and the limit;
a sound template still renders for a customer with 3,000 títulos; in a run,
the notice whose template went past its budget fails with that message and
the others are sent.
"""

import datetime
import email
import email.policy
import time

import pytest
from django.urls import reverse

from regua.delivery.outbox import deliver_now
from regua.dunning.models import Notice
from regua.letters import isolation, sandbox
from regua.letters.budget import TemplateLimitExceeded
from regua.letters.models import LetterTemplate
from regua.letters.rendering import preview
from regua.letters.samples import large_sample_context
from regua.letters.sandbox import TemplateInvalid, compiled, validate_template
from regua.letters.tests.builders import make_held_notice
from regua.letters.tests.test_approval_sending import smtp_inbox  # noqa: F401 - fixture
from regua.letters.tests.test_template_files import BASE
from regua.test import make_branch, make_customer, make_range, make_receivable
from regua.web.tests.conftest import make_user

pytestmark = pytest.mark.django_db

NESTED_FOUR = (
    "{% for a in items %}{% for b in items %}{% for c in items %}{% for d in items %}"
    "{{ d.balance|money }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
)


def with_letter(source: str) -> dict[str, str]:
    return {**BASE, "letter_html": source}


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (
            "{% for i in 'x'*100000 %}{% for j in 'x'*100000 %}a{% endfor %}{% endfor %}",
            "repetições de laço",
        ),
        ("{{ 'x'|center(10**9) }}", "largura de center"),
        ("{{ '{0:{1}}'.format(1, 10**9) }}", "largura em format()"),
        ("{{ '%0100000000d' % 1 }}", "largura em '%'"),
        ("{{ '%*d' % (10**9, 1) }}", "'*'"),
        ("{{ '%(a)s%(a)s%(a)s' % {'a': 'x' * 60000} }}", "resultado de '%'"),
        ("{{ ('x' * 100000)|replace('x', 'xx') }}", "resultado de replace"),
        ("{{ ('x' * 100000).replace('x', 'xx') }}", "resultado de replace()"),
        ("{% set a = 'x' * 100000 %}{{ a ~ a }}", "unido com '~'"),
        ("{% set a = 'x' * 100000 %}{{ a + a }}", "soma com '+'"),
        ("{{ 'x'.ljust(10**9) }}", "largura em ljust()"),
        ("{{ items|join('x' * 100000) }}", "resultado de join"),
        (
            "{% set a = ['x' * 50000] %}{% set b = [a, a, a, a, a] %}{% set c = [b, b, b] %}{{ c }}",
            "a lista",
        ),
        ("{{ (9 ** 100) ** 100 }}", "número grande demais"),
        ("{{ [[1]]|sum(start=[]) }}", "sum soma apenas números"),
        ("{% for x in items recursive %}{{ loop(items) }}{% endfor %}", "recursão"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursão"),
        (
            "{% set s = 'x' * 100000 %}{% for i in 'x' * 10000 %}{{ s }}{% endfor %}",
            "caracteres de texto produzido",
        ),
        (
            "{% for i in 'x' * 10000 %}{% set t %}" + "y" * 5000 + "{% endset %}{% endfor %}",
            "caracteres de texto produzido",
        ),
    ],
)
def test_validation_refuses_each_way_to_spin_or_fill_the_memory_with_a_message(source, words):
    [problem] = validate_template(with_letter(source))
    assert problem.part == "letter_html"
    assert words in problem.message
    assert str(problem).startswith("Carta (HTML)")


def test_the_repeat_limit_still_says_it_is_not_allowed():
    [problem] = validate_template(with_letter("{{ 'x' * 100000000 }}"))
    assert "não permitido" in problem.message


def test_four_loops_over_the_items_pass_on_two_titulos_and_are_refused_on_the_large_sample():
    [problem] = validate_template(with_letter(NESTED_FOUR))
    assert problem.part == "letter_html"
    assert "repetições de laço" in problem.message
    assert "500 títulos" in problem.message


def sound_letter() -> str:
    """The shape of a real letter: a table of the títulos, a total, a boleto list."""
    return (
        "<h1>Aviso</h1><p>{{ customer.name }}, {{ reference_date|long_date }}</p>"
        "<table>{% for item in items %}<tr><td>{{ item.document }}/{{ item.installment }}</td>"
        "<td>{{ item.due_date|date }}</td><td>{{ item.days_overdue|due_status }}</td>"
        "<td>{{ item.balance|money }}</td><td>{{ item.fine|money }}</td>"
        "<td>{{ item.interest|money }}</td><td>{{ item.updated_amount|money }}</td></tr>"
        "{% if item.digitable_line %}<tr><td colspan=7>{{ item.digitable_line }}</td></tr>{% endif %}"
        "{% endfor %}<tr><td>Total ({{ totals.count }})</td>"
        "<td>{{ totals.updated_amount|money }}</td></tr></table>"
        "{% for item in items|sort(attribute='due_date') %}{{ item.document }} {% endfor %}"
    )


def test_a_sound_template_renders_for_a_customer_with_3000_titulos():
    context = large_sample_context(3000)
    html = compiled("letter_html", sound_letter()).render(context)
    assert html.count("<tr>") >= 3001
    assert validate_template(with_letter(sound_letter())) == []


def test_a_loop_inside_a_loop_over_3000_titulos_stops_at_its_budget():
    context = large_sample_context(3000)
    source = "{% for a in items %}{% for b in items %}.{% endfor %}{% endfor %}"
    with pytest.raises(TemplateLimitExceeded) as caught:
        compiled("letter_html", source).render(context)
    message = str(caught.value)
    assert message.startswith("Carta (HTML): o modelo passou do limite de 310.000 repetições")
    assert "3.000 títulos" in message


def test_the_preview_gives_a_message_not_a_recursion_error():
    with pytest.raises(TemplateInvalid) as caught:
        preview(with_letter("{% for x in items recursive %}{{ loop(items) }}{% endfor %}"))
    [problem] = caught.value.problems
    assert "recursão" in problem.message


def test_validation_that_outlives_its_time_names_the_part_and_the_limit(monkeypatch):
    monkeypatch.setattr(isolation, "SECONDS", 1)

    def stuck(part, source, contexts):
        if part == "body_html":
            time.sleep(600)
        return []

    monkeypatch.setattr(sandbox, "check_part", stuck)
    [problem] = validate_template(BASE)
    assert problem.part == "body_html"
    assert "passou do limite de 1 segundos" in problem.message
    assert str(problem).startswith("E-mail (HTML): a validação passou do limite")


def test_validation_that_fills_the_memory_is_stopped_with_a_message(monkeypatch):
    def greedy(part, source, contexts):
        if part == "letter_html":
            return [bytearray(4 << 30)]
        return []

    monkeypatch.setattr(sandbox, "check_part", greedy)
    [problem] = validate_template(BASE)
    assert problem.part == "letter_html"
    assert "memória" in problem.message


def test_the_live_preview_page_shows_the_message(client):
    client.force_login(make_user("sergio", "supervisor"))
    fields = with_letter("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")
    response = client.post(reverse("template_preview", args=[1]), fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert "recursão" in page
    assert "Carta (HTML)" in page


def test_a_run_goes_on_when_one_template_passes_its_budget(smtp_inbox):  # noqa: F811
    LetterTemplate.objects.filter(number=1).update(
        **{**BASE, "body_text": BASE["body_text"] + "{% for i in 'x' * 100000 %}.{% endfor %}"},
        body_html_ready="",
    )
    LetterTemplate.objects.filter(number=3).update(**BASE, body_html_ready=BASE["body_html"])
    branch = make_branch("1")
    notices = []
    for number, name in ((1, "MERCADO BOA VISTA LTDA"), (3, "PADARIA PÃO BOM LTDA")):
        customer = make_customer(name=name, billing_email=f"c{number}@exemplo.com.br")
        receivable = make_receivable(
            branch, customer, datetime.date(2026, 11, 1), "100.00", document=f"D{number}"
        )
        delay_range = make_range(number * 10, number * 10 + 5, template=number, generation="email")
        notice = make_held_notice(delay_range, [receivable], status="pending")
        notice.recipients = [f"c{number}@exemplo.com.br"]
        notice.save()
        notices.append(notice)

    deliver_now([n.pk for n in notices])

    failed, sent = (Notice.objects.get(pk=n.pk) for n in notices)
    assert failed.status == "failed"
    assert "Modelo 1 (Teste de arquivos), E-mail (texto)" in failed.reason
    assert "repetições de laço" in failed.reason
    assert sent.status == "sent"
    [raw] = smtp_inbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert "c3@exemplo.com.br" in message["To"]
