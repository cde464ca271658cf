"""Django's ``flush``, able to empty the protected tables on SQLite too (see immutability.py).

On SQLite a flush deletes rows, which the row triggers refuse: they are lifted for the
duration of the flush and put back exactly as they were.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        triggers = _triggers(connection) if connection.vendor == "sqlite" else []
        with connection.cursor() as cursor:
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)


def _triggers(connection) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return list(cursor.fetchall())
