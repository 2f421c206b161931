"""Modelos 1, 2 and 3 exist from the start with a plain subject and body."""

from django.db import migrations

TEMPLATES = [
    (1, "Lembrete", "Lembrete de vencimento - {{ branch.trade_name or branch.legal_name }}"),
    (2, "Aviso de débito em atraso", "Aviso de débito em atraso - {{ branch.legal_name }}"),
    (3, "Notificação extrajudicial", "Notificação extrajudicial - {{ branch.legal_name }}"),
]

BODY = """Prezado(a) {{ customer.name }},

Consta em nossos registros o(s) seguinte(s) título(s) em aberto:
{% for item in items %}
- {{ item.document }}/{{ item.installment }}, vencimento {{ item.due_date }}, saldo {{ item.balance }}
{%- endfor %}

Caso já tenha efetuado o pagamento, por favor desconsidere esta mensagem.

{{ branch.legal_name }} - CNPJ {{ branch.cnpj }}
{{ branch.address }} - {{ branch.city }}/{{ branch.state }}
"""


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for number, name, subject in TEMPLATES:
        LetterTemplate.objects.get_or_create(
            number=number, defaults={"name": name, "subject": subject, "body_text": BODY}
        )


def unseed(apps, schema_editor):
    apps.get_model("letters", "LetterTemplate").objects.filter(number__in=[1, 2, 3]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
