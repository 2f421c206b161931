"""Modelos 1, 2 and 3 get their real default content (regua/letters/defaults/).

Only a template still holding the plain text of 0002 is changed, so a
company's own edits survive; going back restores that plain text.
"""

from django.db import migrations

from regua.letters.editing import default_templates
from regua.letters.inlining import inline_css

# The content 0002 seeded, restored when this migration is reversed.
PLAIN_SUBJECTS = {
    1: "Lembrete de vencimento - {{ branch.trade_name or branch.legal_name }}",
    2: "Aviso de débito em atraso - {{ branch.legal_name }}",
    3: "Notificação extrajudicial - {{ branch.legal_name }}",
}
PLAIN_BODY = """Prezado(a) {{ customer.name }},

Consta em nossos registros o(s) seguinte(s) título(s) em aberto:
{% for item in items %}
- {{ item.document }}/{{ item.installment }}, vencimento {{ item.due_date }}, saldo {{ item.balance }}
{%- endfor %}

Caso já tenha efetuado o pagamento, por favor desconsidere esta mensagem.

{{ branch.legal_name }} - CNPJ {{ branch.cnpj }}
{{ branch.address }} - {{ branch.city }}/{{ branch.state }}
"""


def fill(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for number, fields in default_templates().items():
        template = LetterTemplate.objects.filter(number=number).first()
        if template is None:
            template = LetterTemplate(number=number)
        elif template.body_text != PLAIN_BODY:
            continue
        for part, value in fields.items():
            setattr(template, part, value)
        template.body_html_ready = inline_css(fields["body_html"])
        template.save()


def unfill(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    defaults = default_templates()
    for template in LetterTemplate.objects.filter(number__in=PLAIN_SUBJECTS):
        if template.body_text != defaults[template.number]["body_text"]:
            continue
        template.subject = PLAIN_SUBJECTS[template.number]
        template.body_text = PLAIN_BODY
        template.body_html = ""
        template.letter_html = ""
        template.body_html_ready = ""
        template.save()


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_letter_settings_and_inlined_html")]
    operations = [migrations.RunPython(fill, unfill)]
