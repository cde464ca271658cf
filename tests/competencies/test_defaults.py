"""The default programme shipped as data: complete, consistent and loaded once."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from competencies.defaults import CURRICULUM_FILE, FRAMEWORK_FILE, load_default_programme
from competencies.interchange import Parsed, export_framework, read_csv, to_csv, validate
from competencies.models import (
    Competency,
    CompetencyFramework,
    Indicator,
    ModuleTarget,
    ProfessionalRole,
    ReviewTarget,
)
from curriculum.models import (
    CurriculumVersion,
    CurriculumYear,
    Discipline,
    Module,
    Period,
    Programme,
    ReviewMoment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return load_default_programme()


def _counts() -> dict:
    models = [
        Programme,
        CurriculumVersion,
        CurriculumYear,
        Period,
        Module,
        Discipline,
        ReviewMoment,
        CompetencyFramework,
        Competency,
        Indicator,
        ModuleTarget,
        ReviewTarget,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_loads_an_active_version_of_two_years(version):
    assert version.status == CurriculumVersion.Status.ACTIVE
    assert version.programme.code == "moc"
    assert list(version.years.values_list("number", flat=True)) == [1, 2]


def test_module_credits_add_up_to_each_years_target(version):
    overview = version.year_overview()
    assert [row["year"].number for row in overview] == [1, 2]
    for row in overview:
        assert row["ok"], (row["year"].number, row["total"], row["year"].ec_target)
        assert row["total"] > 0


def test_framework_has_three_profiles_and_15_to_24_competencies(version):
    framework = version.framework
    assert 15 <= framework.competencies.count() <= 24
    profiles = {profile.code: profile for profile in framework.profiles.all()}
    assert set(profiles) == {"individual", "team", "organisational"}
    assert {base.code for base in profiles["organisational"].builds_on.all()} >= {
        "individual",
        "team",
    }
    for profile in profiles.values():
        assert profile.competencies.exists(), profile.code


def test_every_professional_role_is_used(version):
    used = set(version.framework.competencies.values_list("role", flat=True))
    assert used == set(ProfessionalRole.values)


def test_every_competency_has_indicators_at_every_level_in_both_languages(version):
    framework = version.framework
    ranks = set(framework.levels.values_list("rank", flat=True))
    assert ranks == {1, 2, 3, 4}
    for competency in framework.competencies.prefetch_related("indicators__level"):
        indicators = list(competency.indicators.all())
        assert {i.level.rank for i in indicators} == ranks, competency.code
        for indicator in indicators:
            assert indicator.text_nl.strip() and indicator.text_en.strip(), competency.code
        assert competency.name_nl.strip() and competency.name_en.strip()


def test_every_competency_is_developed_by_a_module_and_targeted_by_a_review(version):
    framework = version.framework
    for competency in framework.competencies.all():
        assert ModuleTarget.objects.filter(
            competency=competency, module__period__year__version=version
        ).exists(), competency.code
        assert ReviewTarget.objects.filter(
            competency=competency, review_moment__version=version
        ).exists(), competency.code


def test_every_discipline_is_used_by_a_module(version):
    codes = [item["code"] for item in json.loads(CURRICULUM_FILE.read_text())["disciplines"]]
    assert codes
    for code in codes:
        assert Module.objects.filter(
            period__year__version=version, disciplines__code=code
        ).exists(), code


def test_targets_point_into_the_versions_own_framework(version):
    framework = version.framework
    targets = ModuleTarget.objects.filter(module__period__year__version=version)
    assert targets.exists()
    assert not targets.exclude(competency__framework=framework).exists()
    assert not targets.exclude(level__framework=framework).exists()
    reviews = ReviewTarget.objects.filter(review_moment__version=version)
    assert not reviews.exclude(level__framework=framework).exists()


def test_review_moments_of_the_default_programme(version):
    moments = {moment.code: moment for moment in version.review_moments.all()}
    assert {"year-1-review", "final-portfolio", "thesis-defence"} <= set(moments)
    first = moments["year-1-review"]
    assert (first.year, first.min_examiners) == (1, 1)
    for code in ("final-portfolio", "thesis-defence"):
        assert moments[code].year == 2
        assert moments[code].min_examiners == 2
        assert moments[code].decisive
    # Every moment has a date for a cohort starting in September.
    for moment in moments.values():
        assert moment.due_date(datetime.date(2025, 9, 1)) is not None, moment.code


def test_loading_twice_creates_nothing_new(version):
    before = _counts()
    again = load_default_programme()
    assert again == version
    assert _counts() == before


def test_a_second_version_name_reuses_programme_and_disciplines(version):
    before = _counts()
    other = load_default_programme(version_name="2026", activate=False)
    assert other != version
    assert other.status == CurriculumVersion.Status.DRAFT
    after = _counts()
    assert after["Programme"] == before["Programme"]
    assert after["Discipline"] == before["Discipline"]
    assert after["Module"] == 2 * before["Module"]
    assert after["Competency"] == 2 * before["Competency"]


def test_management_command_loads_and_prints_a_summary():
    out = io.StringIO()
    call_command("load_default_programme", stdout=out)
    version = CurriculumVersion.objects.get()
    competencies = version.framework.competencies.count()
    periods = Period.objects.filter(year__version=version).count()
    text = out.getvalue()
    assert str(version) in text
    assert "active" in text
    assert f"{periods} periods" in text
    assert f"{competencies} competencies" in text

    call_command("load_default_programme", stdout=io.StringIO())
    assert CurriculumVersion.objects.count() == 1


def test_management_command_can_leave_a_named_draft():
    call_command(
        "load_default_programme", "--draft", "--version-name", "2030", stdout=io.StringIO()
    )
    version = CurriculumVersion.objects.get()
    assert (version.name, version.status) == ("2030", CurriculumVersion.Status.DRAFT)


def test_the_framework_file_is_a_valid_import_file():
    data = json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    assert validate(Parsed(data)) == []


def test_exporting_the_loaded_framework_gives_the_file_back(version):
    data = json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    exported = export_framework(version.framework)
    assert exported == data


def test_the_loaded_framework_survives_a_csv_round_trip(version):
    exported = export_framework(version.framework)
    parsed = read_csv(to_csv(exported))
    assert validate(parsed) == []
    assert parsed.data == exported
