"""Writes to frameworks and targets, and the versioning that spans curriculum and framework."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from curriculum.locking import save_edit
from curriculum.models import CurriculumVersion, Module, Programme, ReviewMoment
from curriculum.services import copy_curriculum, create_version, ensure_editable

from ..models import (
    Competency,
    CompetencyFramework,
    CompetencyMapping,
    Indicator,
    ModuleTarget,
    ProficiencyLevel,
    Profile,
    ReviewTarget,
)

DEFAULT_SCALE = (
    (1, "Beginnend", "Beginning"),
    (2, "Ontwikkelend", "Developing"),
    (3, "Bekwaam", "Proficient"),
    (4, "Expert", "Expert"),
)


@transaction.atomic
def create_empty_version(*, programme: Programme, name: str, by) -> CurriculumVersion:
    """A new draft with years 1 and 2, and an empty framework on the default four-level scale."""
    version = create_version(programme=programme, name=name, by=by)
    framework = CompetencyFramework.objects.create(
        curriculum_version=version,
        name_nl="Competentieprofiel",
        name_en="Competency framework",
    )
    ProficiencyLevel.objects.bulk_create(
        ProficiencyLevel(framework=framework, rank=rank, name_nl=dutch, name_en=english)
        for rank, dutch, english in DEFAULT_SCALE
    )
    return version


@transaction.atomic
def derive_version(*, version: CurriculumVersion, name: str, by) -> CurriculumVersion:
    """ "New version from this one": a draft copy of the curriculum and its framework.

    Everything is copied exactly (modules, periods, review moments, the scale, profiles,
    competencies with indicators, module and review targets). Each old competency maps to
    its copy, so the administrator only changes the mapping where competencies split or merge.
    """
    if CurriculumVersion.objects.filter(programme=version.programme, name=name).exists():
        raise ValidationError(
            _("This programme already has a version called “%(name)s”.") % {"name": name}
        )
    copy, modules, moments = copy_curriculum(version=version, name=name, by=by)
    old = version.framework
    framework = CompetencyFramework.objects.create(
        curriculum_version=copy, name_nl=old.name_nl, name_en=old.name_en, derived_from=old
    )
    levels = {}
    for level in old.levels.all():
        levels[level.pk] = ProficiencyLevel.objects.create(
            framework=framework,
            rank=level.rank,
            name_nl=level.name_nl,
            name_en=level.name_en,
            description_nl=level.description_nl,
            description_en=level.description_en,
        )
    profiles = {}
    old_profiles = list(old.profiles.prefetch_related("builds_on"))
    for profile in old_profiles:
        profiles[profile.pk] = Profile.objects.create(
            framework=framework,
            code=profile.code,
            name_nl=profile.name_nl,
            name_en=profile.name_en,
            description_nl=profile.description_nl,
            description_en=profile.description_en,
            position=profile.position,
        )
    for profile in old_profiles:
        profiles[profile.pk].builds_on.set([profiles[base.pk] for base in profile.builds_on.all()])
    competencies = {}
    indicators = []
    for competency in old.competencies.prefetch_related("indicators"):
        competencies[competency.pk] = new = Competency.objects.create(
            framework=framework,
            profile=profiles[competency.profile_id],
            code=competency.code,
            name_nl=competency.name_nl,
            name_en=competency.name_en,
            description_nl=competency.description_nl,
            description_en=competency.description_en,
            role=competency.role,
            position=competency.position,
        )
        indicators += [
            Indicator(
                competency=new,
                level=levels[indicator.level_id],
                text_nl=indicator.text_nl,
                text_en=indicator.text_en,
                position=indicator.position,
            )
            for indicator in competency.indicators.all()
        ]
    Indicator.objects.bulk_create(indicators)
    CompetencyMapping.objects.bulk_create(
        CompetencyMapping(old_id=old_pk, new=new) for old_pk, new in competencies.items()
    )
    ModuleTarget.objects.bulk_create(
        ModuleTarget(
            module=modules[target.module_id],
            competency=competencies[target.competency_id],
            level=levels[target.level_id],
        )
        for target in ModuleTarget.objects.filter(module__in=modules)
    )
    ReviewTarget.objects.bulk_create(
        ReviewTarget(
            review_moment=moments[target.review_moment_id],
            competency=competencies[target.competency_id],
            level=levels[target.level_id],
        )
        for target in ReviewTarget.objects.filter(review_moment__in=moments)
    )
    return copy


def _framework_editable(framework: CompetencyFramework) -> None:
    ensure_editable(framework.curriculum_version)


@transaction.atomic
def save_competency(
    *,
    competency: Competency,
    indicators: dict[int, list[tuple[str, str]]],
    by,
    version: int | None = None,
):
    """Saves a competency and replaces its indicators: ``{level rank: [(dutch, english), …]}``.
    ``version``: the edit version the form was opened with (``curriculum.locking``)."""
    framework = competency.framework
    _framework_editable(framework)
    competency.full_clean()
    save_edit(competency, version=version)
    levels = {level.rank: level for level in framework.levels.all()}
    if unknown := set(indicators) - set(levels):
        raise ValidationError(
            _("Level %(rank)s is not on this framework's scale.") % {"rank": min(unknown)}
        )
    competency.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(
            competency=competency, level=levels[rank], text_nl=dutch, text_en=english, position=i
        )
        for rank, texts in indicators.items()
        for i, (dutch, english) in enumerate(texts)
    )
    return competency


@transaction.atomic
def delete_competency(*, competency: Competency, by) -> None:
    _framework_editable(competency.framework)
    competency.delete()


@transaction.atomic
def save_level(*, level: ProficiencyLevel, by, version: int | None = None) -> ProficiencyLevel:
    _framework_editable(level.framework)
    level.full_clean()
    save_edit(level, version=version)
    return level


@transaction.atomic
def save_profile(*, profile: Profile, builds_on, by, version: int | None = None) -> Profile:
    _framework_editable(profile.framework)
    profile.full_clean()
    save_edit(profile, version=version)
    profile.builds_on.set(builds_on)
    return profile


@transaction.atomic
def set_module_target(
    *, module: Module, competency: Competency, level: ProficiencyLevel | None, by
) -> ModuleTarget | None:
    """Sets (or with ``level=None`` removes) what a module aims for on one competency."""
    version = module.period.year.version
    ensure_editable(version)
    if competency.framework.curriculum_version_id != version.pk or (
        level is not None and level.framework_id != competency.framework_id
    ):
        raise ValidationError(_("This competency or level belongs to another version."))
    if level is None:
        ModuleTarget.objects.filter(module=module, competency=competency).delete()
        return None
    target, _created = ModuleTarget.objects.update_or_create(
        module=module, competency=competency, defaults={"level": level}
    )
    return target


@transaction.atomic
def set_review_targets(
    *, moment: ReviewMoment, levels: dict[Competency, ProficiencyLevel | None], by
) -> None:
    ensure_editable(moment.version)
    framework = moment.version.framework
    if any(
        competency.framework_id != framework.pk
        or (level is not None and level.framework_id != framework.pk)
        for competency, level in levels.items()
    ):
        raise ValidationError(_("This competency or level belongs to another version."))
    ReviewTarget.objects.filter(review_moment=moment).delete()
    ReviewTarget.objects.bulk_create(
        ReviewTarget(review_moment=moment, competency=competency, level=level)
        for competency, level in levels.items()
        if level is not None
    )


@transaction.atomic
def set_successors(*, framework: CompetencyFramework, old: Competency, successors, by) -> None:
    """Which competencies of ``framework`` continue ``old`` of the one it derives from."""
    _framework_editable(framework)
    successors = list(successors)
    if framework.derived_from_id != old.framework_id or any(
        new.framework_id != framework.pk for new in successors
    ):
        raise ValidationError(_("Successors must come from the framework derived from this one."))
    CompetencyMapping.objects.filter(old=old, new__framework=framework).delete()
    CompetencyMapping.objects.bulk_create(
        CompetencyMapping(old=old, new=new) for new in successors
    )
