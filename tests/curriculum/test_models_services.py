"""Curriculum versions: when they are frozen, the writes that respect that, and the model rules."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from curriculum import services
from curriculum.models import CurriculumVersion, Module, Period, ReviewMoment
from curriculum.services import VersionLocked
from tests.factories import (
    CohortFactory,
    CurriculumVersionFactory,
    DisciplineFactory,
    EnrolmentFactory,
    ModuleFactory,
    PeriodFactory,
    ReviewMomentFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

Status = CurriculumVersion.Status


@pytest.fixture
def draft():
    return CurriculumVersionFactory()


@pytest.fixture
def followed(draft):
    """A draft that a cohort already follows: frozen although still a draft."""
    CohortFactory(name="2025–2027", curriculum_version=draft)
    return draft


def test_draft_without_cohort_is_editable(draft):
    assert draft.is_editable
    assert draft.lock_reason() == ""


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.RETIRED])
def test_active_and_retired_versions_cannot_be_edited(status):
    version = CurriculumVersionFactory(status=status)
    assert not version.is_editable
    with translation.override("en"):
        assert f"This version is {status.label.lower()}" in version.lock_reason()


def test_draft_followed_by_a_cohort_cannot_be_edited(followed):
    assert not followed.is_editable
    with translation.override("en"):
        assert "Cohort 2025–2027 follows this version" in followed.lock_reason()


def test_lock_reason_names_every_cohort_that_follows_the_version(followed):
    CohortFactory(name="2026–2028", curriculum_version=followed)
    reason = followed.lock_reason()
    assert "2025–2027" in reason
    assert "2026–2028" in reason


def test_ensure_editable_passes_for_a_free_draft(draft):
    services.ensure_editable(draft)


def test_ensure_editable_raises_version_locked_naming_the_cohort(followed):
    with pytest.raises(VersionLocked) as caught:
        services.ensure_editable(followed)
    assert isinstance(caught.value, ValidationError)
    assert "2025–2027" in caught.value.messages[0]


def test_ensure_editable_reads_the_current_status_not_a_stale_copy(draft):
    """Someone activated the version after this request loaded it: the edit must be refused."""
    stale = CurriculumVersion.objects.get(pk=draft.pk)
    CurriculumVersion.objects.filter(pk=draft.pk).update(status=Status.ACTIVE)
    with pytest.raises(VersionLocked):
        services.ensure_editable(stale)


# --- status transitions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "new"),
    [
        (Status.DRAFT, Status.ACTIVE),
        (Status.ACTIVE, Status.RETIRED),
        (Status.RETIRED, Status.ACTIVE),
        (Status.ACTIVE, Status.DRAFT),
    ],
)
def test_allowed_status_transitions(programme_admin, start, new):
    version = CurriculumVersionFactory(status=start)
    services.set_status(version=version, status=new, by=programme_admin)
    version.refresh_from_db()
    assert version.status == new


@pytest.mark.parametrize(
    ("start", "new"),
    [(Status.RETIRED, Status.DRAFT), (Status.DRAFT, Status.RETIRED), (Status.DRAFT, Status.DRAFT)],
)
def test_refused_status_transitions_leave_the_status(programme_admin, start, new):
    version = CurriculumVersionFactory(status=start)
    with pytest.raises(ValidationError):
        services.set_status(version=version, status=new, by=programme_admin)
    version.refresh_from_db()
    assert version.status == start


def test_active_version_a_cohort_follows_cannot_go_back_to_draft(programme_admin):
    version = CurriculumVersionFactory(status=Status.ACTIVE)
    CohortFactory(name="2025–2027", curriculum_version=version)
    with pytest.raises(VersionLocked) as caught:
        services.set_status(version=version, status=Status.DRAFT, by=programme_admin)
    assert "2025–2027" in caught.value.messages[0]
    version.refresh_from_db()
    assert version.status == Status.ACTIVE


def test_active_version_a_cohort_follows_can_still_be_retired(programme_admin):
    version = CurriculumVersionFactory(status=Status.ACTIVE)
    CohortFactory(curriculum_version=version)
    services.set_status(version=version, status=Status.RETIRED, by=programme_admin)
    version.refresh_from_db()
    assert version.status == Status.RETIRED


# --- writes to a version --------------------------------------------------------------------


def _lock(version, how):
    if how == "cohort":
        CohortFactory(curriculum_version=version)
    else:
        version.status = how
        version.save(update_fields=["status"])


LOCKS = ["cohort", Status.ACTIVE, Status.RETIRED]


def test_save_module_creates_a_module_with_its_disciplines(draft, programme_admin):
    period = PeriodFactory(year=draft.years.get(number=1), number=1)
    disciplines = [DisciplineFactory(), DisciplineFactory()]
    module = Module(
        period=period,
        code="MOC1.1",
        title_nl="Coachen van individuen",
        title_en="Coaching individuals",
        ec=Decimal("5"),
        assessment_form=Module.AssessmentForm.PORTFOLIO,
    )
    services.save_module(module=module, disciplines=disciplines, by=programme_admin)
    stored = Module.objects.get(period__year__version=draft, code="MOC1.1")
    assert set(stored.disciplines.all()) == set(disciplines)


def test_save_module_checks_the_fields(draft, programme_admin):
    period = PeriodFactory(year=draft.years.get(number=1), number=1)
    module = Module(period=period, code="X", title_nl="X", title_en="X", ec=Decimal("0"))
    with pytest.raises(ValidationError):
        services.save_module(module=module, disciplines=[], by=programme_admin)
    assert not Module.objects.filter(code="X").exists()


@pytest.mark.parametrize("how", LOCKS)
def test_changing_a_module_of_a_locked_version_is_refused_and_changes_nothing(
    programme_admin, how
):
    module = ModuleFactory(title_nl="Oud", ec=5)
    discipline = DisciplineFactory()
    module.disciplines.add(discipline)
    _lock(module.period.year.version, how)
    module.title_nl = "Nieuw"
    module.ec = Decimal("10")
    with pytest.raises(VersionLocked):
        services.save_module(module=module, disciplines=[], by=programme_admin)
    module.refresh_from_db()
    assert (module.title_nl, module.ec) == ("Oud", Decimal("5"))
    assert list(module.disciplines.all()) == [discipline]


def test_adding_a_module_to_a_locked_version_is_refused(programme_admin, followed):
    period = PeriodFactory(year=followed.years.get(number=1), number=1)
    module = Module(
        period=period,
        code="NEW",
        title_nl="Nieuw",
        title_en="New",
        ec=Decimal("5"),
        assessment_form=Module.AssessmentForm.ORAL,
    )
    with pytest.raises(VersionLocked):
        services.save_module(module=module, disciplines=[], by=programme_admin)
    assert not Module.objects.filter(period__year__version=followed).exists()


def test_delete_module_removes_it_from_a_draft(programme_admin):
    module = ModuleFactory()
    services.delete_module(module=module, by=programme_admin)
    assert not Module.objects.filter(pk=module.pk).exists()


@pytest.mark.parametrize("how", LOCKS)
def test_deleting_a_module_of_a_locked_version_is_refused(programme_admin, how):
    module = ModuleFactory()
    _lock(module.period.year.version, how)
    with pytest.raises(VersionLocked):
        services.delete_module(module=module, by=programme_admin)
    assert Module.objects.filter(pk=module.pk).exists()


def test_save_period_creates_and_changes_periods_of_a_draft(draft, programme_admin):
    period = Period(year=draft.years.get(number=2), number=3, name_nl="Blok 3", name_en="Term 3")
    services.save_period(period=period, by=programme_admin)
    period.name_en = "Period 3"
    services.save_period(period=period, by=programme_admin)
    assert Period.objects.get(year__version=draft).name_en == "Period 3"


def test_save_period_refuses_an_end_before_the_start(draft, programme_admin):
    period = Period(
        year=draft.years.get(number=1),
        number=1,
        name_nl="Blok 1",
        name_en="Period 1",
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2025, 9, 1),
    )
    with pytest.raises(ValidationError):
        services.save_period(period=period, by=programme_admin)
    assert not Period.objects.filter(year__version=draft).exists()


@pytest.mark.parametrize("how", LOCKS)
def test_saving_a_period_of_a_locked_version_is_refused_and_changes_nothing(programme_admin, how):
    period = PeriodFactory(name_en="Period 1")
    version = period.year.version
    _lock(version, how)
    period.name_en = "Renamed"
    with pytest.raises(VersionLocked):
        services.save_period(period=period, by=programme_admin)
    new = Period(year=period.year, number=9, name_nl="Blok 9", name_en="Period 9")
    with pytest.raises(VersionLocked):
        services.save_period(period=new, by=programme_admin)
    assert list(
        Period.objects.filter(year__version=version).values_list("name_en", flat=True)
    ) == ["Period 1"]


def test_delete_period_removes_an_empty_period(programme_admin):
    period = PeriodFactory()
    services.delete_period(period=period, by=programme_admin)
    assert not Period.objects.filter(pk=period.pk).exists()


def test_delete_period_is_refused_while_it_has_modules(programme_admin):
    module = ModuleFactory()
    with pytest.raises(ValidationError) as caught:
        services.delete_period(period=module.period, by=programme_admin)
    assert not isinstance(caught.value, VersionLocked)
    assert Period.objects.filter(pk=module.period.pk).exists()
    assert Module.objects.filter(pk=module.pk).exists()


def test_deleting_a_period_of_a_locked_version_is_refused(programme_admin):
    period = PeriodFactory()
    _lock(period.year.version, "cohort")
    with pytest.raises(VersionLocked):
        services.delete_period(period=period, by=programme_admin)
    assert Period.objects.filter(pk=period.pk).exists()


def test_save_review_moment_on_a_draft(draft, programme_admin):
    moment = ReviewMoment(
        version=draft, code="year-1-review", name_nl="Jaar 1", name_en="Year 1", year=1
    )
    services.save_review_moment(moment=moment, by=programme_admin)
    assert draft.review_moments.get().code == "year-1-review"


def test_review_moment_has_an_offset_or_a_date_not_both(draft, programme_admin):
    moment = ReviewMoment(
        version=draft,
        code="both",
        name_nl="Beide",
        name_en="Both",
        year=1,
        offset_months=10,
        date=datetime.date(2026, 7, 1),
    )
    with pytest.raises(ValidationError):
        services.save_review_moment(moment=moment, by=programme_admin)
    assert not draft.review_moments.exists()


@pytest.mark.parametrize("how", LOCKS)
def test_saving_a_review_moment_of_a_locked_version_is_refused_and_changes_nothing(
    programme_admin, how
):
    moment = ReviewMomentFactory(min_examiners=1)
    version = moment.version
    _lock(version, how)
    moment.min_examiners = 3
    with pytest.raises(VersionLocked):
        services.save_review_moment(moment=moment, by=programme_admin)
    new = ReviewMoment(version=version, code="extra", name_nl="E", name_en="E", year=2)
    with pytest.raises(VersionLocked):
        services.save_review_moment(moment=new, by=programme_admin)
    with pytest.raises(VersionLocked):
        services.delete_review_moment(moment=moment, by=programme_admin)
    assert list(version.review_moments.values_list("code", "min_examiners")) == [(moment.code, 1)]


def test_version_settings_of_a_locked_version_are_refused(programme_admin, followed):
    name = followed.name
    with pytest.raises(VersionLocked):
        services.save_version_settings(
            version=followed, name="changed", ec_targets={1: 45}, by=programme_admin
        )
    followed.refresh_from_db()
    assert followed.name == name
    assert followed.years.get(number=1).ec_target == 30


# --- modules, years and review moments ------------------------------------------------------


@pytest.mark.parametrize(
    ("ec", "hours"),
    [(Decimal("5"), 140), (Decimal("2.5"), 70), (Decimal("7.5"), 210), (Decimal("30"), 840)],
)
def test_study_hours_are_28_per_ec(ec, hours):
    assert Module(ec=ec).study_hours == hours


def test_learning_outcomes_are_the_non_empty_lines():
    module = Module(learning_outcomes_nl="  Eerste\n\n Tweede  \n")
    assert module.learning_outcomes == ["Eerste", "Tweede"]


def test_year_overview_adds_up_the_modules_of_each_year(draft, django_assert_max_num_queries):
    year_1, year_2 = draft.years.get(number=1), draft.years.get(number=2)
    first = PeriodFactory(year=year_1, number=1)
    second = PeriodFactory(year=year_1, number=2)
    for period, ec in [(first, "10"), (first, "7.5"), (second, "10"), (second, "2.5")]:
        ModuleFactory(period=period, ec=Decimal(ec))
    ModuleFactory(period=PeriodFactory(year=year_2, number=1), ec=Decimal("2.5"))

    with django_assert_max_num_queries(3):
        overview = draft.year_overview()

    assert [row["year"].number for row in overview] == [1, 2]
    assert [row["total"] for row in overview] == [Decimal("30"), Decimal("2.5")]
    assert [row["hours"] for row in overview] == [840, 70]
    assert [row["ok"] for row in overview] == [True, False]


def test_year_overview_of_a_year_without_modules_is_zero_and_not_ok(draft):
    overview = draft.year_overview()
    assert [(row["total"], row["ok"]) for row in overview] == [(0, False), (0, False)]


SEPT_1 = datetime.date(2025, 9, 1)


@pytest.mark.parametrize(
    ("offset", "due"),
    [
        (0, datetime.date(2025, 9, 1)),
        (3, datetime.date(2025, 12, 1)),
        (4, datetime.date(2026, 1, 1)),
        (10, datetime.date(2026, 7, 1)),
        (16, datetime.date(2027, 1, 1)),
        (21, datetime.date(2027, 6, 1)),
        (24, datetime.date(2027, 9, 1)),
    ],
)
def test_due_date_counts_months_from_the_cohort_start_across_years(offset, due):
    assert ReviewMoment(offset_months=offset).due_date(SEPT_1) == due


def test_due_date_never_overflows_a_short_month():
    assert ReviewMoment(offset_months=1).due_date(datetime.date(2025, 1, 31)) == datetime.date(
        2025, 2, 28
    )


def test_a_fixed_date_wins_over_the_offset():
    moment = ReviewMoment(offset_months=10, date=datetime.date(2026, 6, 15))
    assert moment.due_date(SEPT_1) == datetime.date(2026, 6, 15)


def test_due_date_is_none_without_offset_or_date():
    assert ReviewMoment().due_date(SEPT_1) is None


def test_due_date_is_none_without_a_cohort_start():
    assert ReviewMoment(offset_months=10).due_date(None) is None


# --- who sees which version -----------------------------------------------------------------


@pytest.fixture
def versions(cohort, other_cohort):
    """Version "ours" followed by the student's cohort, "theirs" by another, "unused" a draft."""
    ours = CurriculumVersionFactory(name="ours", status=Status.ACTIVE)
    theirs = CurriculumVersionFactory(name="theirs", status=Status.ACTIVE)
    unused = CurriculumVersionFactory(name="unused")
    cohort.curriculum_version = ours
    cohort.save()
    other_cohort.curriculum_version = theirs
    other_cohort.save()
    return {"ours": ours, "theirs": theirs, "unused": unused}


def _visible(user) -> set[str]:
    return set(CurriculumVersion.objects.visible_to(user).values_list("name", flat=True))


def test_programme_admin_sees_every_version_including_drafts(versions, programme_admin):
    assert _visible(programme_admin) == {"ours", "theirs", "unused"}


def test_student_sees_only_the_version_of_their_own_cohort(versions, student):
    assert _visible(student) == {"ours"}


def test_student_of_two_cohorts_sees_both_versions_once(versions, student, other_cohort):
    EnrolmentFactory(cohort=other_cohort, student=student)
    assert list(CurriculumVersion.objects.visible_to(student).order_by("name")) == [
        versions["ours"],
        versions["theirs"],
    ]


def test_student_without_enrolment_sees_nothing(versions):
    assert _visible(StudentFactory()) == set()


def test_staff_see_only_the_versions_of_the_cohorts_they_work_with(
    versions, lecturer, supervisor, student, other_cohort
):
    from cohorts.models import LecturerAssignment, SupervisorAssignment

    assert _visible(lecturer) == _visible(supervisor) == set()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=lecturer)
    SupervisorAssignment.objects.create(enrolment=student.enrolments.get(), supervisor=supervisor)
    assert _visible(lecturer) == {"theirs"}
    assert _visible(supervisor) == {"ours"}
    LecturerAssignment.objects.update(ended_at=timezone.now())
    assert _visible(lecturer) == set()


def test_anonymous_visitor_sees_no_version(versions):
    assert _visible(AnonymousUser()) == set()


def test_account_without_a_role_sees_no_version(versions, outsider):
    assert _visible(outsider) == set()


# --- texts in two languages -----------------------------------------------------------------


def test_translated_text_follows_the_active_language():
    module = Module(title_nl="Teamcoaching in de praktijk", title_en="Team coaching in practice")
    with translation.override("en"):
        assert module.title == "Team coaching in practice"
    with translation.override("nl"):
        assert module.title == "Teamcoaching in de praktijk"


def test_translated_text_falls_back_to_dutch_when_english_is_empty():
    module = Module(title_nl="Intervisie", title_en="")
    with translation.override("en"):
        assert module.title == "Intervisie"
    assert str(Period(name_nl="Blok 1", name_en="")) == "Blok 1"
