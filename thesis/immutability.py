"""The database's refusal to rewrite a milestone's history (row triggers, migration 0002).

Versions, reviews and milestone events are append-only. Rules use the same builders as the
assessment record (``competencies/immutability.py``); a refusal is an ``IntegrityError``.
"""

from competencies.immutability import ALWAYS, install_rules, remove_rules

THESIS_RULES = [
    (
        f"{table}_no_{operation.lower()}",
        f"thesis_{table}",
        operation,
        ALWAYS,
        "the milestone history is append-only",
    )
    for table in ("milestoneversion", "versionreview", "milestoneevent")
    for operation in ("UPDATE", "DELETE")
]


def protect_history(apps, schema_editor) -> None:
    install_rules(schema_editor, THESIS_RULES)


def unprotect_history(apps, schema_editor) -> None:
    remove_rules(schema_editor, THESIS_RULES)
