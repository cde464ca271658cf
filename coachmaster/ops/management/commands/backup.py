"""``manage.py backup`` (``make backup``): the database and the media files into BACKUP_DIR."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coachmaster.ops.backups import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format; SQLite: a copy) and MEDIA_ROOT "
        "into a timestamped folder under BACKUP_DIR, with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, help="Instead of BACKUP_DIR.")

    def handle(self, *args, output_dir=None, **options):
        try:
            folder = make_backup(into=output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
