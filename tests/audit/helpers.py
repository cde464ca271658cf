"""Reading the audit trail in tests: the events of one watched record, oldest first."""

from __future__ import annotations

from pghistory.models import MiddlewareEvents

from coachmaster.audit.models import KINDS


def trail_of(kind: str, obj) -> list:
    """The events of ``obj`` (a record of audited ``kind``), oldest first."""
    model = KINDS[kind][0]
    return list(
        MiddlewareEvents.objects.across(model)
        .select_related("user")
        .filter(pgh_obj_id=str(obj.pk))
        .order_by("pgh_created_at", "pgh_id")
    )
