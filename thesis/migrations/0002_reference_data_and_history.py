from django.db import migrations

from thesis.defaults import load_approaches
from thesis.immutability import protect_history, unprotect_history


def add_approaches(apps, schema_editor):
    load_approaches(apps.get_model("thesis", "ResearchApproach"))


class Migration(migrations.Migration):
    dependencies = [("thesis", "0001_initial")]

    operations = [
        migrations.RunPython(add_approaches, migrations.RunPython.noop),
        migrations.RunPython(protect_history, unprotect_history),
    ]
