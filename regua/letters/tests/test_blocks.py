"""Templates written as text blocks: placeholders from an allow-list, text escaped, the base around."""

import pytest

from regua.audit.models import AuditEntry
from regua.letters import blocks, formatting
from regua.letters.editing import save_template
from regua.letters.models import LetterTemplate
from regua.letters.rendering import Parts, render
from regua.letters.samples import sample_contexts
from regua.letters.sandbox import TemplateInvalid, check_part, validate_template


def written(number: int = 1, **changes: str) -> dict[str, str]:
    return {**blocks.SUGGESTED_BLOCKS[number], **changes}


def rendered(sources: dict[str, str], context_number: int = 0):
    parts = Parts(
        subject=sources["subject"],
        body_text=sources["body_text"],
        body_html=sources["body_html"],
        letter_html=sources["letter_html"],
    )
    return render(parts, sample_contexts()[context_number], with_pdf=False)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_suggested_blocks_of_each_template_make_a_template_that_passes_validation(number):
    sources = blocks.template_sources(f"Modelo {number}", written(number))
    assert validate_template({"name": f"Modelo {number}", **sources}) == []


def test_a_placeholder_becomes_the_value_it_names_in_every_part():
    sources = blocks.template_sources(
        "Lembrete", written(block_demand="Pague [valor total vencido] até [prazo para pagamento].")
    )
    context = sample_contexts()[0]
    out = rendered(sources)
    amount = formatting.money(context["overdue_totals"].updated_amount)
    deadline = formatting.short_date(context["notice"].payment_deadline)
    assert amount.startswith("R$ ") and "," in amount
    assert f"Pague {amount} até {deadline}." in out.text
    assert f"Pague {amount} até {deadline}." in out.html
    assert "[valor total vencido]" not in out.text


def test_placeholders_are_read_whatever_their_case_and_spacing():
    sources = blocks.template_sources("x", written(block_closing="Até logo,\n[ EMPRESA ]"))
    assert "Até logo,\nModelo Distribuidora" in rendered(sources).text


def test_the_text_of_a_block_is_escaped_in_html_and_never_read_as_jinja():
    hostile = "Olá <b>cliente</b> & {{ branch.__class__ }} {% for x in items %} {# nada"
    sources = blocks.template_sources("x", written(block_opening=hostile))
    assert check_part("body_html", sources["body_html"], sample_contexts()) == []
    out = rendered(sources)
    assert hostile in out.text
    assert "Olá &lt;b&gt;cliente&lt;/b&gt; &amp; {{ branch.__class__ }} {% for x in items %}" in (
        out.html
    )
    assert "<b>cliente</b>" not in out.html


def test_blank_lines_make_paragraphs_and_single_line_breaks_stay_in_the_paragraph():
    source = blocks.as_html("Primeira linha\nsegunda linha\n\nOutro parágrafo")
    assert source == "<p>Primeira linha<br>\nsegunda linha</p>\n<p>Outro parágrafo</p>"


def test_an_unknown_placeholder_is_refused_naming_the_block_and_the_line():
    with pytest.raises(TemplateInvalid) as error:
        blocks.template_sources("x", written(block_demand="Pague já.\nValor: [valor devido]"))
    [problem] = error.value.problems
    assert str(problem) == (
        "Pedido de pagamento (depois da tabela), linha 2: marcador desconhecido "
        "[valor devido]; use um dos marcadores da lista"
    )


def test_an_unpaired_bracket_is_refused_with_its_line():
    with pytest.raises(TemplateInvalid) as error:
        blocks.template_sources("x", written(block_closing="Abraços\n[empresa"))
    [problem] = error.value.problems
    assert problem.line == 2
    assert "colchete sem par" in problem.message


def test_the_demand_may_not_name_what_is_not_yet_due():
    with pytest.raises(TemplateInvalid) as error:
        blocks.template_sources("x", written(block_demand="Pague [valor a vencer]."))
    assert "só pode ir no lembrete" in str(error.value)
    assert "Pedido de pagamento (depois da tabela), linha 1" in str(error.value)


def test_the_reminder_may_not_name_what_is_overdue():
    with pytest.raises(TemplateInvalid) as error:
        blocks.template_sources("x", written(block_reminder="Deve [valor total vencido]."))
    assert "não cabe no lembrete" in str(error.value)


def test_the_greeting_follows_the_customer_kind():
    sources = blocks.template_sources(
        "x", written(block_greeting_company="Prezados senhores,", block_greeting_person="Oi!")
    )
    company, person = sample_contexts()[0], sample_contexts()[1]
    assert company["customer"].is_company and not person["customer"].is_company
    assert rendered(sources, 0).text.startswith("Prezados senhores,")
    assert rendered(sources, 1).text.startswith("Oi!")


def test_a_notice_with_nothing_overdue_shows_the_reminder_block_instead_of_the_demand():
    sources = blocks.template_sources(
        "x", written(block_reminder="LEMBRETE [títulos a vencer]", block_demand="COBRANÇA")
    )
    context = sample_contexts()[1]
    assert not context["overdue_items"]
    text = rendered(sources, 1).text
    count = context["upcoming_totals"].count
    assert f"LEMBRETE {count} título" in text
    assert "COBRANÇA" not in text


def test_the_legal_footer_and_the_table_come_from_the_base_whatever_the_blocks_say():
    sources = blocks.template_sources("x", dict.fromkeys(blocks.BLOCKS, ""))
    text = rendered(sources).text
    context = sample_contexts()[0]
    assert context["branch"].cnpj in text and context["branch"].legal_name in text
    assert "Total vencido" in text


@pytest.mark.django_db
def test_saving_with_blocks_builds_the_template_and_keeps_the_blocks_audited():
    fields = {
        "name": "Lembrete simples",
        "uses_blocks": True,
        **written(block_demand="Contamos com o pagamento de [valor total vencido]."),
    }
    template = save_template(1, fields, "ana")
    template.refresh_from_db()
    assert template.uses_blocks
    assert template.block_demand == "Contamos com o pagamento de [valor total vencido]."
    assert "Contamos com o pagamento de {{ overdue_totals.updated_amount|money }}." in (
        template.body_text
    )
    assert "Contamos com o pagamento de" in template.body_html_ready
    entry = AuditEntry.objects.filter(action="template.change").latest("pk")
    assert "block_demand" in entry.changes and "uses_blocks" in entry.changes


@pytest.mark.django_db
def test_a_template_saved_with_its_own_jinja_keeps_it_and_stops_using_blocks():
    save_template(1, {"name": "x", "uses_blocks": True, **written()}, "ana")
    own = dict(LetterTemplate.objects.get(number=1).fields())
    own["body_text"] = own["body_text"].replace("Total vencido", "Soma vencida")
    save_template(1, own, "ana")
    template = LetterTemplate.objects.get(number=1)
    assert not template.uses_blocks
    assert "Soma vencida" in template.body_text
    assert template.block_opening == blocks.SUGGESTED_BLOCKS[1]["block_opening"]


def test_the_variables_command_lists_the_placeholders_of_the_text_blocks():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("templates", "variables", stdout=out)
    listed = out.getvalue()
    assert "Marcadores dos blocos de texto" in listed
    assert "[valor total vencido]" in listed and "[títulos a vencer]" in listed
