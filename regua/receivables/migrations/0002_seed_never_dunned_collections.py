"""WinThor's collection codes that are never collected exist from the start, not dunnable."""

from django.db import migrations

CODES = {
    "DESD": "DESDOBRAMENTO",
    "CRED": "CRÉDITO DO CLIENTE",
    "DEVP": "DEVOLUÇÃO PARCIAL",
    "DEVT": "DEVOLUÇÃO TOTAL",
    "BNF": "BONIFICAÇÃO",
    "BNFT": "BONIFICAÇÃO",
    "BNFR": "BONIFICAÇÃO",
    "BNTR": "BONIFICAÇÃO",
    "BNRP": "BONIFICAÇÃO",
}


def seed(apps, schema_editor):
    CollectionType = apps.get_model("receivables", "CollectionType")
    for code, description in CODES.items():
        CollectionType.objects.update_or_create(
            code=code, defaults={"description": description, "dunnable": False}
        )


def unseed(apps, schema_editor):
    CollectionType = apps.get_model("receivables", "CollectionType")
    CollectionType.objects.filter(code__in=CODES, receivable__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("receivables", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
