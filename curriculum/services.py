"""Writes to the curriculum. Every change to a version goes through ``ensure_editable`` first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .locking import save_edit
from .models import CurriculumVersion, CurriculumYear, Module, Period, Programme, ReviewMoment


class VersionLocked(ValidationError):
    """Raised when a write would change a version that is no longer a free draft."""


def ensure_editable(version: CurriculumVersion) -> None:
    # Lock the row so a cohort cannot be bound to it halfway through an edit, and judge the
    # stored state rather than the caller's possibly stale copy.
    current = CurriculumVersion.objects.select_for_update().get(pk=version.pk)
    if not current.is_editable:
        raise VersionLocked(current.lock_reason())


@transaction.atomic
def create_version(
    *, programme: Programme, name: str, ec_targets: tuple = (30, 30), by
) -> CurriculumVersion:
    version = CurriculumVersion.objects.create(programme=programme, name=name, created_by=by)
    for number, ec_target in enumerate(ec_targets, start=1):
        CurriculumYear.objects.create(version=version, number=number, ec_target=ec_target)
    return version


@transaction.atomic
def save_version_settings(*, version: CurriculumVersion, name: str, ec_targets: dict, by) -> None:
    ensure_editable(version)
    version.name = name
    version.save(update_fields=["name"])
    for year in version.years.all():
        if year.number in ec_targets:
            year.ec_target = ec_targets[year.number]
            year.save(update_fields=["ec_target"])


@transaction.atomic
def set_status(*, version: CurriculumVersion, status: str, by) -> None:
    """draft → active → retired; an active version no cohort follows can go back to draft."""
    version = CurriculumVersion.objects.select_for_update().get(pk=version.pk)
    allowed = {
        CurriculumVersion.Status.DRAFT: {CurriculumVersion.Status.ACTIVE},
        CurriculumVersion.Status.ACTIVE: {
            CurriculumVersion.Status.RETIRED,
            CurriculumVersion.Status.DRAFT,
        },
        CurriculumVersion.Status.RETIRED: {CurriculumVersion.Status.ACTIVE},
    }
    if status not in allowed[version.status]:
        raise ValidationError(
            _("A %(current)s version cannot become %(new)s.")
            % {
                "current": version.get_status_display().lower(),
                "new": CurriculumVersion.Status(status).label.lower(),
            }
        )
    if status == CurriculumVersion.Status.DRAFT and version.cohorts.exists():
        raise VersionLocked(version.lock_reason())
    version.status = status
    version.save(update_fields=["status"])


@transaction.atomic
def save_period(*, period: Period, by) -> Period:
    ensure_editable(period.year.version)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def delete_period(*, period: Period, by) -> None:
    ensure_editable(period.year.version)
    if period.modules.exists():
        raise ValidationError(_("Move or delete this period's modules first."))
    period.delete()


@transaction.atomic
def save_module(*, module: Module, disciplines, by, version: int | None = None) -> Module:
    """Saves a new or changed module (its period decides the version). ``version``: the edit
    version the administrator's form was opened with; another administrator's save since
    raises ``EditConflict`` and nothing is written."""
    ensure_editable(module.period.year.version)
    module.full_clean()
    save_edit(module, version=version)
    module.disciplines.set(disciplines)
    return module


@transaction.atomic
def delete_module(*, module: Module, by) -> None:
    ensure_editable(module.period.year.version)
    module.delete()


@transaction.atomic
def save_review_moment(*, moment: ReviewMoment, by) -> ReviewMoment:
    ensure_editable(moment.version)
    moment.full_clean()
    moment.save()
    return moment


@transaction.atomic
def delete_review_moment(*, moment: ReviewMoment, by) -> None:
    ensure_editable(moment.version)
    moment.delete()


def copy_curriculum(
    *, version: CurriculumVersion, name: str, by
) -> tuple[CurriculumVersion, dict[int, Module], dict[int, ReviewMoment]]:
    """A draft copy of ``version`` with its years, periods, modules and review moments.

    Returns the copy and maps from old module and review moment ids to their copies, for the
    caller (``competencies.services.derive_version``) to copy targets along. Runs inside the
    caller's transaction.
    """
    copy = CurriculumVersion.objects.create(
        programme=version.programme, name=name, derived_from=version, created_by=by
    )
    modules: dict[int, Module] = {}
    for year in version.years.prefetch_related("periods__modules__disciplines"):
        new_year = CurriculumYear.objects.create(
            version=copy, number=year.number, ec_target=year.ec_target
        )
        for period in year.periods.all():
            new_period = Period.objects.create(
                year=new_year,
                number=period.number,
                name_nl=period.name_nl,
                name_en=period.name_en,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
            )
            for module in period.modules.all():
                disciplines = list(module.disciplines.all())
                old_pk = module.pk
                module.pk = module.id = None
                module._state.adding = True
                module.period = new_period
                module.uuid = Module._meta.get_field("uuid").get_default()
                # The copy must not answer from the original's prefetched disciplines.
                module._prefetched_objects_cache = {}
                module.save()
                module.disciplines.set(disciplines)
                modules[old_pk] = module
    moments: dict[int, ReviewMoment] = {}
    for moment in version.review_moments.all():
        old_pk = moment.pk
        moment.pk = moment.id = None
        moment._state.adding = True
        moment.version = copy
        moment.uuid = ReviewMoment._meta.get_field("uuid").get_default()
        moment.save()
        moments[old_pk] = moment
    return copy, modules, moments
