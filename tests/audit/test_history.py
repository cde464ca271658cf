"""``audit_context``: commands and tasks say who acted; off PostgreSQL it does nothing."""

from __future__ import annotations

import pytest
from django.db import connection

from coachmaster.accounts.models import User
from coachmaster.history import audit_context

pytestmark = pytest.mark.django_db


def test_off_postgresql_the_context_is_a_no_op_and_writes_still_work(outsider, monkeypatch):
    # Runs on PostgreSQL too: audit_context asks the connection which database it is.
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with audit_context(user=outsider.pk, task="retention"):
        User.objects.filter(pk=outsider.pk).update(is_lecturer=True)
    outsider.refresh_from_db()
    assert outsider.is_lecturer
