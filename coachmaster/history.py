"""Who acted, for the audit trail (``coachmaster.audit``), from code outside a request.

Requests get their context from ``pghistory``'s middleware (PostgreSQL only). Commands and
Celery tasks that change audited records say who or what acted with ``audit_context``::

    with audit_context(user=by.pk, task="retention"):
        ...

Every app may use it (it lives in the project package, left of every app). On any other
database than PostgreSQL it does nothing: the trail is written by PostgreSQL triggers, and
``pghistory.context`` would prepend PostgreSQL-only SQL to every statement.
"""

from __future__ import annotations

import contextlib

from django.db import connection


def audit_context(**metadata) -> contextlib.AbstractContextManager:
    """A context manager that records ``metadata`` (``user``: a user's pk, ``url``, or any
    other key) with every audited change made inside it; a no-op off PostgreSQL."""
    if connection.vendor != "postgresql":
        return contextlib.nullcontext()
    import pghistory

    return pghistory.context(**metadata)
