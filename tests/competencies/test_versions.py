"""Versioning across curriculum and framework: deriving a version, successors, targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from competencies import services
from competencies.models import (
    Competency,
    CompetencyFramework,
    CompetencyMapping,
    Indicator,
    ModuleTarget,
    ProfessionalRole,
    ProficiencyLevel,
    Profile,
    ReviewTarget,
)
from curriculum.models import CurriculumVersion, Module, Period
from curriculum.services import VersionLocked
from tests.factories import (
    CohortFactory,
    CompetencyFactory,
    CurriculumVersionFactory,
    DisciplineFactory,
    ModuleFactory,
    PeriodFactory,
    ProfileFactory,
    ReviewMomentFactory,
    make_programme,
)

pytestmark = pytest.mark.django_db


def _fields(obj, *exclude: str) -> dict:
    """Every stored field of ``obj`` except its identity and the foreign keys named."""
    skip = {"id", "uuid", *exclude}
    return {
        f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip
    }


def snapshot(version: CurriculumVersion) -> dict:
    """The whole version as plain codes and values: equal snapshots mean equal content."""
    version = CurriculumVersion.objects.get(pk=version.pk)
    framework = version.framework
    return {
        "programme": version.programme.code,
        "years": [(year.number, year.ec_target) for year in version.years.order_by("number")],
        "periods": [
            {"year": period.year.number, **_fields(period, "year")}
            for period in Period.objects.filter(year__version=version).order_by(
                "year__number", "number"
            )
        ],
        "modules": [
            {
                "period": (module.period.year.number, module.period.number),
                "disciplines": sorted(module.disciplines.values_list("code", flat=True)),
                **_fields(module, "period"),
            }
            for module in Module.objects.filter(period__year__version=version).order_by("code")
        ],
        "review_moments": [
            _fields(moment, "version") for moment in version.review_moments.order_by("code")
        ],
        "framework": (framework.name_nl, framework.name_en),
        "levels": [_fields(level, "framework") for level in framework.levels.order_by("rank")],
        "profiles": [
            {
                "builds_on": sorted(profile.builds_on.values_list("code", flat=True)),
                **_fields(profile, "framework"),
            }
            for profile in framework.profiles.order_by("code")
        ],
        "competencies": [
            {"profile": competency.profile.code, **_fields(competency, "framework", "profile")}
            for competency in framework.competencies.order_by("code")
        ],
        "indicators": sorted(
            (i.competency.code, i.level.rank, i.position, i.text_nl, i.text_en)
            for i in Indicator.objects.filter(competency__framework=framework)
        ),
        "module_targets": sorted(
            (t.module.code, t.competency.code, t.level.rank)
            for t in ModuleTarget.objects.filter(module__period__year__version=version)
        ),
        "review_targets": sorted(
            (t.review_moment.code, t.competency.code, t.level.rank)
            for t in ReviewTarget.objects.filter(review_moment__version=version)
        ),
    }


@pytest.fixture
def original():
    """``make_programme`` plus what it leaves at defaults: dates, descriptions, a second
    profile that builds on the first, a fixed-date review moment and two indicators on a level."""
    version = make_programme(competencies=4, modules=3)
    framework = version.framework
    levels = {level.rank: level for level in framework.levels.all()}
    for level in levels.values():
        level.description_nl = f"Niveau {level.rank}: omschrijving"
        level.description_en = f"Level {level.rank}: description"
        level.save()
    individual = framework.profiles.get(code="individual")
    individual.description_nl, individual.description_en = "Eén op één", "One to one"
    individual.save()
    team = ProfileFactory(framework=framework, code="team", position=1)
    team.builds_on.add(individual)
    team_competency = CompetencyFactory(
        profile=team,
        code="TC1",
        role=ProfessionalRole.ADVISOR,
        description_nl="Begeleidt teams; “samen” leren",
        description_en="Guides teams, learning together",
    )
    Indicator.objects.create(
        competency=team_competency, level=levels[2], text_nl="a", text_en="a", position=0
    )
    Indicator.objects.create(
        competency=team_competency, level=levels[2], text_nl="b", text_en="b", position=1
    )
    period = version.years.get(number=1).periods.get()
    period.starts_on, period.ends_on = datetime.date(2025, 9, 1), datetime.date(2025, 11, 7)
    period.save()
    late = PeriodFactory(year=version.years.get(number=2), number=4, name_en="Final term")
    module = ModuleFactory(
        period=late,
        code="THESIS",
        ec=Decimal("2.5"),
        description_nl="Onderzoek",
        description_en="Research",
        learning_outcomes_nl="Een\nTwee",
        learning_outcomes_en="One\nTwo",
        assessment_form=Module.AssessmentForm.RESEARCH,
        position=7,
    )
    module.disciplines.add(
        DisciplineFactory(code="sociology"), DisciplineFactory(code="andragogy")
    )
    ModuleTarget.objects.create(module=module, competency=team_competency, level=levels[4])
    defence = ReviewMomentFactory(
        version=version,
        code="thesis-defence",
        year=2,
        offset_months=None,
        date=datetime.date(2027, 6, 20),
        min_examiners=3,
        decisive=True,
        grade_required=True,
        position=5,
    )
    ReviewTarget.objects.create(review_moment=defence, competency=team_competency, level=levels[3])
    return version


@pytest.fixture
def derived(original, programme_admin):
    return services.derive_version(version=original, name="2026", by=programme_admin)


def test_derived_version_is_an_exact_copy(original, derived):
    copy, source = snapshot(derived), snapshot(original)
    assert copy == source
    # The fixture really filled what is compared.
    assert len(source["modules"]) == 4
    assert len(source["competencies"]) == 5
    assert len(source["indicators"]) == 4 * 4 + 2
    assert len(source["module_targets"]) == 3 * 4 + 1
    assert len(source["review_targets"]) == 2 * 4 + 1
    assert source["profiles"][1]["builds_on"] == ["individual"]


def test_derived_modules_keep_their_disciplines(original, derived):
    def disciplines(version):
        return {
            module.code: sorted(module.disciplines.values_list("code", flat=True))
            for module in Module.objects.filter(period__year__version=version)
        }

    assert disciplines(original)["THESIS"] == ["andragogy", "sociology"]
    assert disciplines(derived) == disciplines(original)


def test_derived_version_is_a_draft_that_points_back(original, derived, programme_admin):
    derived.refresh_from_db()
    assert derived.name == "2026"
    assert derived.programme == original.programme
    assert derived.status == CurriculumVersion.Status.DRAFT
    assert derived.is_editable
    assert derived.derived_from == original
    assert derived.created_by == programme_admin
    assert derived.framework.derived_from == original.framework


def test_derived_version_gets_new_uuids_everywhere(original, derived):
    def uuids(version):
        return {
            version.uuid,
            version.framework.uuid,
            *Period.objects.filter(year__version=version).values_list("uuid", flat=True),
            *Module.objects.filter(period__year__version=version).values_list("uuid", flat=True),
            *version.review_moments.values_list("uuid", flat=True),
            *version.framework.competencies.values_list("uuid", flat=True),
        }

    old, new = uuids(original), uuids(derived)
    assert len(new) == 2 + 2 + 4 + 3 + 5
    assert old.isdisjoint(new)


def test_derived_version_shares_no_rows_with_the_original(original, derived):
    framework = derived.framework
    assert framework.pk != original.framework.pk
    assert not set(Period.objects.filter(year__version=derived)) & set(
        Period.objects.filter(year__version=original)
    )
    for competency in framework.competencies.all():
        assert competency.profile.framework_id == framework.pk
    for profile in framework.profiles.all():
        assert all(base.framework_id == framework.pk for base in profile.builds_on.all())
    indicators = Indicator.objects.filter(competency__framework=framework)
    assert not indicators.exclude(level__framework=framework).exists()
    module_targets = ModuleTarget.objects.filter(module__period__year__version=derived)
    assert module_targets.count() == 13
    assert not module_targets.exclude(competency__framework=framework).exists()
    assert not module_targets.exclude(level__framework=framework).exists()
    review_targets = ReviewTarget.objects.filter(review_moment__version=derived)
    assert review_targets.count() == 9
    assert not review_targets.exclude(competency__framework=framework).exists()
    assert not review_targets.exclude(level__framework=framework).exists()
    # …and nothing of the copy's framework is targeted from the original's curriculum.
    assert not ModuleTarget.objects.filter(
        module__period__year__version=original, competency__framework=framework
    ).exists()


def test_every_old_competency_maps_to_exactly_its_copy(original, derived):
    new_framework = derived.framework
    for old in original.framework.competencies.all():
        successors = [link.new for link in old.successor_links.all()]
        assert [(s.code, s.framework_id) for s in successors] == [(old.code, new_framework.pk)]
    assert CompetencyMapping.objects.count() == 5


def test_deriving_leaves_the_original_unchanged(original, programme_admin):
    before = snapshot(original)
    services.derive_version(version=original, name="2026", by=programme_admin)
    assert snapshot(original) == before
    original.refresh_from_db()
    assert original.derived_from is None
    assert original.framework.derived_from is None


def test_deriving_a_name_that_exists_is_refused(original, programme_admin):
    with pytest.raises(ValidationError):
        services.derive_version(version=original, name=original.name, by=programme_admin)
    assert CurriculumVersion.objects.count() == 1
    assert CompetencyFramework.objects.count() == 1


def test_the_copy_can_be_edited_while_the_original_a_cohort_follows_refuses(
    original, programme_admin
):
    CohortFactory(curriculum_version=original)
    before = snapshot(original)
    derived = services.derive_version(version=original, name="2026", by=programme_admin)
    new_module = Module.objects.get(period__year__version=derived, code="M1")
    new_competency = derived.framework.competencies.get(code="IC1")
    new_top = derived.framework.levels.get(rank=4)
    services.set_module_target(
        module=new_module, competency=new_competency, level=new_top, by=programme_admin
    )
    new_competency.name_en = "Renamed"
    services.save_competency(
        competency=new_competency, indicators={1: [("nl", "en")]}, by=programme_admin
    )

    old_module = Module.objects.get(period__year__version=original, code="M1")
    old_competency = original.framework.competencies.get(code="IC1")
    with pytest.raises(VersionLocked):
        services.set_module_target(
            module=old_module,
            competency=old_competency,
            level=original.framework.levels.get(rank=4),
            by=programme_admin,
        )
    old_competency.name_en = "Renamed"
    with pytest.raises(VersionLocked):
        services.save_competency(
            competency=old_competency, indicators={1: [("nl", "en")]}, by=programme_admin
        )

    assert snapshot(original) == before
    assert ModuleTarget.objects.get(module=new_module, competency=new_competency).level.rank == 4
    assert new_competency.indicators.count() == 1


# --- successors -----------------------------------------------------------------------------


def _successor_codes(old: Competency) -> list[str]:
    return sorted(old.successor_links.values_list("new__code", flat=True))


def test_a_competency_split_in_two_has_two_successors(original, derived, programme_admin):
    framework = derived.framework
    old = original.framework.competencies.get(code="IC1")
    first = framework.competencies.get(code="IC1")
    second = CompetencyFactory(
        profile=framework.profiles.get(code="individual"), framework=framework, code="IC1b"
    )
    services.set_successors(
        framework=framework, old=old, successors=[first, second], by=programme_admin
    )
    assert _successor_codes(old) == ["IC1", "IC1b"]
    assert _successor_codes(original.framework.competencies.get(code="IC2")) == ["IC2"]


def test_a_discontinued_competency_has_no_successors(original, derived, programme_admin):
    old = original.framework.competencies.get(code="IC2")
    services.set_successors(
        framework=derived.framework, old=old, successors=[], by=programme_admin
    )
    assert _successor_codes(old) == []


def test_successors_from_another_framework_are_refused(original, derived, programme_admin):
    old = original.framework.competencies.get(code="IC1")
    stranger = CompetencyFactory(code="X1")
    for successors in ([stranger], [old]):
        with pytest.raises(ValidationError):
            services.set_successors(
                framework=derived.framework, old=old, successors=successors, by=programme_admin
            )
    assert _successor_codes(old) == ["IC1"]


def test_successors_of_a_competency_outside_the_previous_framework_are_refused(
    derived, programme_admin
):
    stranger = CompetencyFactory(code="X1")
    with pytest.raises(ValidationError):
        services.set_successors(
            framework=derived.framework,
            old=stranger,
            successors=[derived.framework.competencies.get(code="IC1")],
            by=programme_admin,
        )
    assert not CompetencyMapping.objects.filter(old=stranger).exists()


def test_successors_of_a_locked_derived_version_are_refused(original, derived, programme_admin):
    CohortFactory(curriculum_version=derived)
    old = original.framework.competencies.get(code="IC1")
    with pytest.raises(VersionLocked):
        services.set_successors(
            framework=derived.framework, old=old, successors=[], by=programme_admin
        )
    assert _successor_codes(old) == ["IC1"]


# --- targets --------------------------------------------------------------------------------


@pytest.fixture
def version():
    return make_programme(competencies=2, modules=1)


def _target_rank(module, competency):
    target = ModuleTarget.objects.filter(module=module, competency=competency).first()
    return target and target.level.rank


def test_set_module_target_sets_changes_and_removes(version, programme_admin):
    framework = version.framework
    module = ModuleFactory(period=Period.objects.get(year__version=version))
    competency = framework.competencies.get(code="IC1")
    levels = {level.rank: level for level in framework.levels.all()}

    services.set_module_target(
        module=module, competency=competency, level=levels[2], by=programme_admin
    )
    assert _target_rank(module, competency) == 2
    services.set_module_target(
        module=module, competency=competency, level=levels[3], by=programme_admin
    )
    assert _target_rank(module, competency) == 3
    assert module.targets.count() == 1
    services.set_module_target(
        module=module, competency=competency, level=None, by=programme_admin
    )
    assert _target_rank(module, competency) is None


def test_set_module_target_refuses_a_competency_of_another_version(version, programme_admin):
    module = Module.objects.get(period__year__version=version)
    other = make_programme(competencies=1, modules=1, name="other")
    stranger = other.framework.competencies.get()
    with pytest.raises(ValidationError):
        services.set_module_target(
            module=module,
            competency=stranger,
            level=other.framework.levels.get(rank=1),
            by=programme_admin,
        )
    with pytest.raises(ValidationError):
        services.set_module_target(
            module=module, competency=stranger, level=None, by=programme_admin
        )
    assert not ModuleTarget.objects.filter(module=module, competency=stranger).exists()
    assert ModuleTarget.objects.filter(competency=stranger).count() == 1


def test_set_module_target_refuses_a_level_of_another_version(version, programme_admin):
    module = Module.objects.get(period__year__version=version)
    competency = version.framework.competencies.get(code="IC1")
    foreign_level = CurriculumVersionFactory().framework.levels.get(rank=4)
    with pytest.raises(ValidationError):
        services.set_module_target(
            module=module, competency=competency, level=foreign_level, by=programme_admin
        )
    assert _target_rank(module, competency) == 2


def test_set_module_target_on_a_locked_version_is_refused(version, programme_admin):
    CohortFactory(curriculum_version=version)
    module = Module.objects.get(period__year__version=version)
    competency = version.framework.competencies.get(code="IC1")
    with pytest.raises(VersionLocked):
        services.set_module_target(
            module=module, competency=competency, level=None, by=programme_admin
        )
    assert _target_rank(module, competency) == 2


def test_set_review_targets_replaces_the_targets(version, programme_admin):
    moment = version.review_moments.get(code="final-portfolio")
    framework = version.framework
    ic1, ic2 = framework.competencies.get(code="IC1"), framework.competencies.get(code="IC2")
    services.set_review_targets(
        moment=moment,
        levels={ic1: framework.levels.get(rank=4), ic2: None},
        by=programme_admin,
    )
    assert list(moment.targets.values_list("competency__code", "level__rank")) == [("IC1", 4)]
    # The other moment keeps its own targets.
    assert version.review_moments.get(code="year-1-review").targets.count() == 2


def test_set_review_targets_on_a_locked_version_is_refused(version, programme_admin):
    CohortFactory(curriculum_version=version)
    moment = version.review_moments.get(code="final-portfolio")
    with pytest.raises(VersionLocked):
        services.set_review_targets(moment=moment, levels={}, by=programme_admin)
    assert moment.targets.count() == 2


def test_save_competency_replaces_the_indicators(version, programme_admin):
    competency = version.framework.competencies.get(code="IC1")
    competency.name_en = "Coaching individuals"
    services.save_competency(
        competency=competency,
        indicators={2: [("Eerste", "First"), ("Tweede", "Second")], 4: [("Meester", "Master")]},
        by=programme_admin,
    )
    competency.refresh_from_db()
    assert competency.name_en == "Coaching individuals"
    assert list(
        competency.indicators.values_list("level__rank", "position", "text_nl", "text_en")
    ) == [(2, 0, "Eerste", "First"), (2, 1, "Tweede", "Second"), (4, 0, "Meester", "Master")]
    # The other competency's indicators are untouched.
    assert version.framework.competencies.get(code="IC2").indicators.count() == 4


def test_save_competency_on_a_locked_version_changes_nothing(version, programme_admin):
    version.status = CurriculumVersion.Status.ACTIVE
    version.save()
    competency = version.framework.competencies.get(code="IC1")
    competency.name_en = "Changed"
    with pytest.raises(VersionLocked):
        services.save_competency(competency=competency, indicators={}, by=programme_admin)
    competency.refresh_from_db()
    assert competency.name_en != "Changed"
    assert competency.indicators.count() == 4


def test_create_empty_version_has_two_years_and_a_four_level_framework(programme_admin):
    programme = CurriculumVersionFactory().programme
    version = services.create_empty_version(programme=programme, name="2030", by=programme_admin)
    assert version.status == CurriculumVersion.Status.DRAFT
    assert version.created_by == programme_admin
    assert list(version.years.values_list("number", "ec_target")) == [
        (1, Decimal("30")),
        (2, Decimal("30")),
    ]
    framework = version.framework
    assert list(framework.levels.values_list("rank", "name_nl", "name_en")) == [
        (1, "Beginnend", "Beginning"),
        (2, "Ontwikkelend", "Developing"),
        (3, "Bekwaam", "Proficient"),
        (4, "Expert", "Expert"),
    ]
    assert not framework.competencies.exists()
    assert not Profile.objects.filter(framework=framework).exists()
    assert framework.derived_from is None
    assert ProficiencyLevel.objects.filter(framework=framework).count() == 4
