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


# --- the assessment record (migration 0005) ----------------------------------------------------
# (name, table, operation, condition on OLD/NEW in SQL both databases speak, message). A refusal
# is an ``IntegrityError`` on both databases (SQLite's RAISE(ABORT) is a constraint failure; on
# PostgreSQL the triggers raise SQLSTATE 23000, integrity_constraint_violation).
ALWAYS = "1 = 1"
_EXAMINER_SUBMITTED = (
    "(SELECT submitted_at FROM competencies_examiner WHERE id = {row}.examiner_id) IS NOT NULL"
)
_INDICATOR_SUBMITTED = (
    "(SELECT e.submitted_at FROM competencies_examiner e JOIN competencies_judgement j "
    "ON j.examiner_id = e.id WHERE j.id = {row}.judgement_id) IS NOT NULL"
)
_RELEASED = (
    "(SELECT released_at FROM competencies_assessment WHERE id = {row}.assessment_id) IS NOT NULL"
)
ASSESSMENT_RULES = [
    (
        "assessment_released_no_update",
        "competencies_assessment",
        "UPDATE",
        "OLD.released_at IS NOT NULL",
        "a released assessment cannot be changed: record a correction",
    ),
    (
        "assessment_no_delete",
        "competencies_assessment",
        "DELETE",
        ALWAYS,
        "an assessment cannot be deleted",
    ),
    (
        "examiner_submitted_no_update",
        "competencies_examiner",
        "UPDATE",
        "OLD.submitted_at IS NOT NULL",
        "a submitted judgement cannot be changed",
    ),
    (
        "examiner_started_no_delete",
        "competencies_examiner",
        "DELETE",
        "OLD.draft_saved_at IS NOT NULL OR OLD.submitted_at IS NOT NULL",
        "an examiner who has started cannot be removed",
    ),
]
for operation, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
    ASSESSMENT_RULES += [
        (
            f"judgement_submitted_no_{operation.lower()}",
            "competencies_judgement",
            operation,
            _EXAMINER_SUBMITTED.format(row=row),
            "a submitted judgement cannot be changed",
        ),
        (
            f"judgement_indicator_submitted_no_{operation.lower()}",
            "competencies_judgement_indicators",
            operation,
            _INDICATOR_SUBMITTED.format(row=row),
            "a submitted judgement cannot be changed",
        ),
        (
            f"final_level_released_no_{operation.lower()}",
            "competencies_finallevel",
            operation,
            _RELEASED.format(row=row),
            "a released assessment cannot be changed: record a correction",
        ),
    ]
for table in ("approval", "correction", "assessmentevent"):
    for operation in ("UPDATE", "DELETE"):
        ASSESSMENT_RULES.append(
            (
                f"{table}_no_{operation.lower()}",
                f"competencies_{table}",
                operation,
                ALWAYS,
                "the assessment record is append-only",
            )
        )


def _postgres_rule(name, table, operation, condition, message) -> tuple[str, str]:
    returned = "OLD" if operation == "DELETE" else "NEW"
    up = f"""
CREATE OR REPLACE FUNCTION coachmaster_{name}() RETURNS trigger AS $$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN {returned};
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name} BEFORE {operation} ON {table}
    FOR EACH ROW EXECUTE FUNCTION coachmaster_{name}();
"""
    down = f"""
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS coachmaster_{name}();
"""
    return up, down


def _sqlite_rule(name, table, operation, condition, message) -> tuple[str, str]:
    up = f"""CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW
    WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END;"""
    return up, f"DROP TRIGGER IF EXISTS {name};"


def install_rules(schema_editor, rules) -> None:
    build = _postgres_rule if schema_editor.connection.vendor == "postgresql" else _sqlite_rule
    for rule in rules:
        schema_editor.execute(build(*rule)[0])


def remove_rules(schema_editor, rules) -> None:
    build = _postgres_rule if schema_editor.connection.vendor == "postgresql" else _sqlite_rule
    for rule in rules:
        schema_editor.execute(build(*rule)[1])


def protect_assessments(apps, schema_editor) -> None:
    install_rules(schema_editor, ASSESSMENT_RULES)


def unprotect_assessments(apps, schema_editor) -> None:
    remove_rules(schema_editor, ASSESSMENT_RULES)
