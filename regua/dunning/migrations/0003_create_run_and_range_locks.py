"""The lock rows that runs and range edits take exist from the start (no race creating them)."""

from django.db import migrations

LOCKS = ("run", "ranges")


def create(apps, schema_editor):
    DunningLock = apps.get_model("dunning", "DunningLock")
    for name in LOCKS:
        DunningLock.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("dunning", "DunningLock").objects.filter(name__in=LOCKS).delete()


class Migration(migrations.Migration):
    dependencies = [("dunning", "0002_holidays_calendar_settings_and_locks")]
    operations = [migrations.RunPython(create, remove)]
