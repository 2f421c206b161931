from django.db import migrations, models

from regua.receivables import boleto as codes


def flag_invalid_boletos(apps, schema_editor):
    """Títulos imported before the flag: their line or barcode checked once here (R9)."""
    Receivable = apps.get_model("receivables", "Receivable")
    with_codes = (
        Receivable.objects.exclude(digitable_line="", barcode="")
        .order_by()
        .values_list("id", "digitable_line", "barcode")
    )
    invalid = [pk for pk, line, barcode in with_codes.iterator() if codes.invalid(line, barcode)]
    for start in range(0, len(invalid), 5000):
        Receivable.objects.filter(pk__in=invalid[start : start + 5000]).update(boleto_invalid=True)


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0006_customer_postal_address_invalid"),
    ]

    operations = [
        migrations.AddField(
            model_name="receivable",
            name="boleto_invalid",
            field=models.BooleanField(
                default=False,
                help_text="linha digitável ou código de barras com dígito verificador errado",
                verbose_name="boleto inválido",
            ),
        ),
        # Backwards the column goes away with its values: nothing to undo.
        migrations.RunPython(flag_invalid_boletos, migrations.RunPython.noop),
    ]
