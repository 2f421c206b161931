"""Modelos 1, 2 and 3 list the overdue títulos apart from the not-yet-due ones (R9).

A template still holding 0004's content, every part unchanged, gets the new
shipped content; a company's own edits are left alone. The "Notificação
extrajudicial" measures still reading 0003's default text lose their "(s)".
Going back leaves the content as it is (the older text is in 0004's history).
"""

import hashlib

from django.db import migrations, models

from regua.letters.editing import default_templates
from regua.letters.inlining import inline_css

PARTS = ("subject", "body_text", "body_html", "letter_html")
# The first 20 hex digits of each part's SHA-256, as 0004 shipped it.
SHIPPED_BY_0004 = {
    1: (
        "f505748c7bea0fc4534a",
        "74cac9dcc3d2c13b04d8",
        "492a5a3543ea930dbc98",
        "cd5e06d5d89dcf982714",
    ),
    2: (
        "5a0d439bf20f76f9a079",
        "ca718767303b3e5bf4f4",
        "b857b1a2296892bdffea",
        "2dc026f8e4644b423f6f",
    ),
    3: (
        "6024c23ea485287e7d75",
        "9aaa27fc6d943cae3300",
        "8cc24c3a99125c4fcd75",
        "4db73475570190ced79e",
    ),
}
OLD_MEASURES = (
    "o encaminhamento do(s) título(s) a protesto e o registro do débito "
    "em cadastro de proteção ao crédito"
)
NEW_MEASURES = (
    "o encaminhamento dos títulos vencidos a protesto e o registro do débito "
    "em cadastro de proteção ao crédito"
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def refresh(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    defaults = default_templates()
    for template in LetterTemplate.objects.filter(number__in=SHIPPED_BY_0004):
        stored = tuple(_digest(getattr(template, part)) for part in PARTS)
        if stored != SHIPPED_BY_0004[template.number]:
            continue
        fields = defaults[template.number]
        for part in PARTS:
            setattr(template, part, fields[part])
        template.body_html_ready = inline_css(fields["body_html"])
        template.save()
    LetterSettings = apps.get_model("letters", "LetterSettings")
    LetterSettings.objects.filter(final_notice_measures=OLD_MEASURES).update(
        final_notice_measures=NEW_MEASURES
    )


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_default_template_content")]

    operations = [
        migrations.AlterField(
            model_name="lettersettings",
            name="final_notice_measures",
            field=models.CharField(
                default=NEW_MEASURES, max_length=300, verbose_name="medidas após o prazo"
            ),
        ),
        migrations.RunPython(refresh, migrations.RunPython.noop),
    ]
