"""The intervision methods a programme usually starts with; administrators extend the list."""

from django.db import migrations

from cohorts.defaults import ensure_intervision_methods



def add_methods(apps, schema_editor):
    ensure_intervision_methods(apps.get_model("cohorts", "IntervisionMethod"))


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0003_groups_staff_history_import")]

    operations = [migrations.RunPython(add_methods, migrations.RunPython.noop)]
