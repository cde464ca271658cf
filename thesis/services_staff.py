"""Writes of the administrator's thesis screens that ``services.py`` has no function for."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .access import is_admin
from .models import MilestoneTemplate


@transaction.atomic
def save_templates(*, version, templates: Iterable[MilestoneTemplate], by) -> None:
    """Saves edited milestone templates of ``version``. Projects already started keep their
    milestones: the template applies to new projects. Due offsets must be at least one week
    and must not decrease in the template's order."""
    if not is_admin(by):
        raise PermissionDenied
    changed = {template.pk: template for template in templates}
    for template in changed.values():
        if template.version_id != version.pk:
            raise PermissionDenied
        if not template.name_nl.strip() or not template.name_en.strip():
            raise ValidationError(_("Every milestone needs a Dutch and an English name."))
        if template.offset_weeks < 1:
            raise ValidationError(_("A milestone is due at least one week after the start."))
    current = MilestoneTemplate.objects.select_for_update().filter(version=version)
    previous = 0
    for template in current.order_by("position", "pk"):
        weeks = changed.get(template.pk, template).offset_weeks
        if weeks < previous:
            raise ValidationError(_("Each milestone must be due on or after the one before it."))
        previous = weeks
    for template in changed.values():
        template.save(
            update_fields=[
                "name_nl",
                "name_en",
                "description_nl",
                "description_en",
                "offset_weeks",
            ]
        )
