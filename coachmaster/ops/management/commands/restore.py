"""``manage.py restore`` (``make restore``): a backup into a fresh database and media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coachmaster.ops.backups import BackupError, latest_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder (default: the newest in BACKUP_DIR) into a database (default: "
        "DATABASE_URL) and MEDIA_ROOT, then compare every table's row count and every media "
        "file with the backup's manifest. A database with tables or a media folder with files "
        "is refused unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", type=Path, help="The backup folder.")
        parser.add_argument(
            "--database-url", help="The database to restore into (create it first)."
        )
        parser.add_argument("--media-root", type=Path, help="Instead of MEDIA_ROOT.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database's contents; move a media folder aside first.",
        )

    def handle(self, *args, backup=None, database_url=None, media_root=None, force=False, **_):
        try:
            source = backup or latest_backup()
            restored = restore_backup(
                source=source, database_url=database_url, media_root=media_root, force=force
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for problem in restored.mismatches:
            self.stderr.write(problem)
        if restored.mismatches:
            raise CommandError(
                f"Restored from {source}, but {len(restored.mismatches)} differences with the "
                "backup's manifest (above)."
            )
        rows = sum(restored.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {source}: {len(restored.tables)} tables, {rows} rows and "
                f"{restored.media_files} media files, all as in the manifest."
            )
        )
