"""Submitted snapshots are refused any UPDATE or DELETE by the database itself; default kinds."""

from django.db import migrations

from competencies.defaults import ensure_activity_kinds
from competencies.immutability import protect, unprotect

def add_kinds(apps, schema_editor):
    ensure_activity_kinds(apps.get_model("competencies", "ActivityKind"))


class Migration(migrations.Migration):
    dependencies = [("competencies", "0002_learning_log_evidence_portfolio")]

    operations = [
        migrations.RunPython(protect, unprotect),
        migrations.RunPython(add_kinds, migrations.RunPython.noop),
    ]
