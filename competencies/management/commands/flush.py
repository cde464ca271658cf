"""Django's ``flush``, able to empty the snapshot table on SQLite too (see immutability.py)."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from competencies.immutability import SQLITE_DOWN, SQLITE_UP


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        lifted = connection.vendor == "sqlite" and _has_triggers(connection)
        if lifted:
            with connection.cursor() as cursor:
                for statement in SQLITE_DOWN:
                    cursor.execute(statement)
        try:
            return super().handle(**options)
        finally:
            if lifted:
                with connection.cursor() as cursor:
                    for statement in SQLITE_UP:
                        cursor.execute(statement)


def _has_triggers(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            ["snapshot_no_delete"],
        )
        return cursor.fetchone()[0] > 0
