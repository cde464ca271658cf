"""Who may open what in the privacy app; everything else answers 404.

A person sees their own exports and erasure requests; administrators see everyone's (they
make exports and carry out erasure on people's behalf). Retention rules, runs and the page
per person are for administrators only (the views are decorated with ``role_required``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404

from cohorts.access import is_admin

from .models import DataExport, ErasureRequest, RetentionRule
from .retention import CATEGORIES


def get_export_for(user, export_uuid) -> DataExport:
    return get_object_or_404(
        DataExport.objects.visible_to(user).select_related("subject", "requested_by"),
        uuid=export_uuid,
    )


def get_erasure_request_for(user, request_uuid) -> ErasureRequest:
    return get_object_or_404(
        ErasureRequest.objects.visible_to(user).select_related(
            "subject", "requested_by", "carried_out_by"
        ),
        uuid=request_uuid,
    )


def get_person_for(user, person_uuid):
    """Any account, for an administrator (the caller checks the role)."""
    if not is_admin(user):
        raise Http404
    return get_object_or_404(get_user_model(), uuid=person_uuid)


def get_rule_for(user, category: str) -> RetentionRule:
    if category not in CATEGORIES or not is_admin(user):
        raise Http404
    return get_object_or_404(RetentionRule, category=category)
