from django.db import migrations

from coachmaster.privacy.defaults import load_default_rules


def load(apps, schema_editor):
    load_default_rules(apps.get_model("privacy", "RetentionRule"))


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
