"""``manage.py apply_retention [--dry-run] [--date YYYY-MM-DD]``: the daily retention run by
hand. A dry run reports what would happen and changes nothing but the log."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from coachmaster.history import audit_context
from coachmaster.privacy import services
from coachmaster.privacy.models import RetentionRun


class Command(BaseCommand):
    help = "Anonymise or delete personal data whose retention period has ended."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )
        parser.add_argument(
            "--date", help="Run as if today were this date (YYYY-MM-DD); for checks and tests."
        )

    def handle(self, *args, dry_run: bool = False, date: str | None = None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("--date must be a date as YYYY-MM-DD") from error
        with audit_context(command="apply_retention"):
            rows = services.apply_retention(
                today=today, dry_run=dry_run, source=RetentionRun.Source.COMMAND
            )
        verb = "would handle" if dry_run else "handled"
        for row in rows:
            self.stdout.write(
                f"{row.category}: {verb} {row.affected} record(s) ({row.action}), "
                f"kept {row.kept}, period started on or before {row.cutoff}"
            )
