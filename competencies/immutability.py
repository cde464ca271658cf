"""The database's own refusal to change a submitted portfolio snapshot (row triggers).

Installed by migration 0003. On PostgreSQL, ``flush`` truncates tables, which row triggers do
not see; on SQLite it deletes rows, so the ``flush`` command of this app lifts the triggers
for the duration of a flush (the test suite flushes after every browser test).
"""

TABLE = "competencies_portfoliosnapshot"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION coachmaster_snapshot_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a submitted portfolio snapshot cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER snapshot_immutable BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION coachmaster_snapshot_immutable();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS snapshot_immutable ON {TABLE};
DROP FUNCTION IF EXISTS coachmaster_snapshot_immutable();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER snapshot_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'a submitted portfolio snapshot cannot be changed'); END;""",
    f"""CREATE TRIGGER snapshot_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'a submitted portfolio snapshot cannot be deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS snapshot_no_update;",
    "DROP TRIGGER IF EXISTS snapshot_no_delete;",
]


def protect(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    else:
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def unprotect(apps, schema_editor) -> None:
    statements = (
        [POSTGRES_DOWN] if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    )
    for statement in statements:
        schema_editor.execute(statement)
