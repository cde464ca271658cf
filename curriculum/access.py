"""Who may read or change which curriculum version: every lookup of a version goes through here."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from .models import CurriculumVersion, Module, Period, ReviewMoment


def get_version_for(user, version_uuid, *related: str) -> CurriculumVersion:
    """The version if ``user`` may read it, else 404 (editing needs the administrator role too);
    ``related``: more relations to load with it."""
    return get_object_or_404(
        CurriculumVersion.objects.visible_to(user).select_related("programme", *related),
        uuid=version_uuid,
    )


def get_module_for(user, module_uuid) -> Module:
    versions = CurriculumVersion.objects.visible_to(user)
    return get_object_or_404(
        Module.objects.select_related("period__year__version__programme"),
        uuid=module_uuid,
        period__year__version__in=versions,
    )


def get_period_for(user, period_uuid) -> Period:
    versions = CurriculumVersion.objects.visible_to(user)
    return get_object_or_404(
        Period.objects.select_related("year__version__programme"),
        uuid=period_uuid,
        year__version__in=versions,
    )


def get_review_moment_for(user, moment_uuid) -> ReviewMoment:
    versions = CurriculumVersion.objects.visible_to(user)
    return get_object_or_404(
        ReviewMoment.objects.select_related("version__programme"),
        uuid=moment_uuid,
        version__in=versions,
    )
