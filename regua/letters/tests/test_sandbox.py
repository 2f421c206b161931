import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied

from regua.audit.models import AuditEntry
from regua.letters.editing import default_templates, save_template
from regua.letters.models import LetterTemplate
from regua.letters.rendering import preview
from regua.letters.sandbox import VARIABLES, TemplateInvalid, validate_template

pytestmark = pytest.mark.django_db


def fields_with(part, source):
    fields = dict(default_templates()[1])
    fields[part] = source
    return fields


BODY_AROUND = (
    "Olá {{ customer.name }}\n{{ branch.legal_name }} {{ branch.cnpj }} {{ branch.address }}\n"
)


@pytest.mark.parametrize(
    ("snippet", "words"),
    [
        ("{{ customer.__class__ }}", "__class__"),
        ("{{ ''.__class__.__mro__ }}", "__class__"),
        ("{{ branch._meta }}", "_meta"),
        ("{{ customer['__dict__'] }}", "__dict__"),
        ("{{ config }}", "config"),
        ("{{ settings.SECRET_KEY }}", "settings"),
        ("{{ self }}", "self"),
        ("{{ range(10) }}", "range"),
        ("{{ lipsum() }}", "lipsum"),
        ("{% include '/etc/passwd' %}", "include"),
        ("{% import 'x.html' as x %}", "import"),
        ("{% extends '/etc/passwd' %}", "extends"),
    ],
)
def test_it_refuses_on_save_a_template_reaching_for_settings_files_or_internals(snippet, words):
    before = LetterTemplate.objects.get(number=1).body_text
    with pytest.raises(TemplateInvalid) as caught:
        save_template(1, fields_with("body_text", BODY_AROUND + snippet + "\n"), "ana")
    problems = caught.value.problems
    assert {(p.part, p.line) for p in problems} == {("body_text", 3)}
    assert any(words in p.message for p in problems)
    assert str(problems[0]).startswith("E-mail (texto), linha 3: ")
    assert LetterTemplate.objects.get(number=1).body_text == before
    assert not AuditEntry.objects.filter(action="template.change").exists()


def test_it_refuses_what_only_fails_when_rendered_with_the_line():
    source = BODY_AROUND + "linha 3\n{{ customer.objects.all() }}\n"
    with pytest.raises(TemplateInvalid) as caught:
        save_template(1, fields_with("body_text", source), "ana")
    [problem] = caught.value.problems
    assert (problem.part, problem.line) == ("body_text", 4)
    assert "indefinido" in problem.message


def test_it_refuses_a_syntax_error_with_its_line():
    problems = validate_template(fields_with("body_html", "<p>\n{% for item in items %}\n</p>"))
    [problem] = problems
    assert problem.part == "body_html"
    assert problem.line == 3
    assert "sintaxe" in problem.message


def test_it_has_no_safe_filter_to_unescape_customer_data():
    [problem] = validate_template(
        fields_with("body_html", BODY_AROUND + "{{ customer.name|safe }}")
    )
    assert (problem.part, problem.line) == ("body_html", 3)
    assert "safe" in problem.message


def test_it_refuses_a_template_filling_the_memory():
    [problem] = validate_template(fields_with("letter_html", "{{ 'x' * 100000000 }}"))
    assert problem.part == "letter_html"
    assert "não permitido" in problem.message


def test_it_refuses_an_email_without_the_creditors_legal_identification():
    [problem] = validate_template(fields_with("body_text", "Olá {{ customer.name }}, pague."))
    assert problem.part == "body_text"
    assert "CDC art. 42-A" in problem.message
    assert "razão social, CNPJ, endereço" in problem.message


def test_it_names_a_required_part_left_empty():
    problems = validate_template(fields_with("subject", "  "))
    assert [str(p) for p in problems] == ["Assunto: não pode ficar vazio"]


def test_the_documented_variables_are_all_a_template_can_use():
    lists = ("items", "overdue_items", "upcoming_items")
    names = [v.name for v in VARIABLES if not v.name.startswith("item.") and v.name not in lists]
    source = BODY_AROUND + "".join(
        f"{{{{ {name} }}}}\n" for name in names if name != "pix" and not name.startswith("pix.")
    )
    source += (
        "{% if pix %}{{ pix.payload }} {{ pix.qr }} {{ pix.amount }} {{ pix.txid }}{% endif %}\n"
    )
    source += (
        "{% for item in items %}"
        + "".join("{{ " + v.name + " }}" for v in VARIABLES if v.name.startswith("item."))
        + "{% endfor %}\n"
    )
    source += (
        "{% for item in overdue_items %}{% endfor %}{% for item in upcoming_items %}{% endfor %}"
    )
    assert validate_template(fields_with("body_text", source)) == []


def test_saving_a_valid_template_inlines_its_css_and_writes_the_audit_log():
    fields = fields_with(
        "body_html", "<style>p { color: #123456 }</style>" + BODY_AROUND.replace("\n", "<p>x</p>")
    )
    template = save_template(1, fields, "ana")
    assert '<p style="color: #123456;">x</p>' in template.body_html_ready
    assert "<style>" in template.body_html  # the source keeps its stylesheet for editing
    entry = AuditEntry.objects.get(action="template.change")
    assert entry.user == "ana"
    assert entry.object_id == str(template.pk)
    assert "body_html" in entry.changes


def test_inlining_keeps_jinja_loops_inside_tables():
    source = (
        "<style>td { color: red }</style>" + BODY_AROUND + "<table>{% for item in items %}"
        '<tr><td class="{{ item.document }}">{{ item.balance|money }}</td></tr>'
        "{% endfor %}</table>"
    )
    template = save_template(1, fields_with("body_html", source), "ana")
    ready = template.body_html_ready
    # An HTML parser would have moved the loop out of the table ("foster parenting").
    assert ready.index("<table>") < ready.index("{% for item in items %}") < ready.index("<tr>")
    assert ready.rindex("</tr>") < ready.index("{% endfor %}") < ready.index("</table>")
    assert (
        '<td class="{{ item.document }}" style="color: red;">{{ item.balance|money }}</td>' in ready
    )


def test_saving_needs_the_permission_to_manage_templates():
    clerk = User.objects.create_user("clerk")
    with pytest.raises(PermissionDenied):
        save_template(1, default_templates()[1], clerk)
    with pytest.raises(PermissionDenied):
        save_template(1, default_templates()[1], "clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="manage_templates"))
    clerk = User.objects.get(pk=clerk.pk)
    fields = fields_with("name", "Lembrete amigável")
    assert save_template(1, fields, clerk).name == "Lembrete amigável"


def test_the_preview_renders_unsaved_fields_on_sample_data():
    fields = fields_with("subject", "Prévia para {{ customer.name }}")
    rendered = preview(fields, with_pdf=False)
    assert rendered.subject == "Prévia para MERCADO BOA VISTA LTDA"
    assert "R$ 1.234,56" in rendered.text
    assert LetterTemplate.objects.get(number=1).subject != fields["subject"]


def test_the_preview_refuses_an_invalid_template():
    with pytest.raises(TemplateInvalid):
        preview(fields_with("subject", "{{ config }}"))
