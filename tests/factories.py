"""factory-boy factories for the whole suite."""

import datetime

import factory
from allauth.account.models import EmailAddress

from coachmaster.accounts.models import User
from cohorts.models import Cohort, Enrolment
from competencies.models import (
    Competency,
    CompetencyFramework,
    Indicator,
    ModuleTarget,
    ProfessionalRole,
    ProficiencyLevel,
    Profile,
    ReviewTarget,
)
from competencies.services import DEFAULT_SCALE
from curriculum.models import (
    CurriculumVersion,
    CurriculumYear,
    Discipline,
    Module,
    Period,
    Programme,
    ReviewMoment,
)

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    given_name = factory.Faker("first_name", locale="nl_NL")
    family_name = factory.Faker("last_name", locale="nl_NL")
    preferred_language = "nl"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StudentFactory(UserFactory):
    is_student = True


class LecturerFactory(UserFactory):
    is_lecturer = True


class SupervisorFactory(UserFactory):
    is_supervisor = True


class ProgrammeAdminFactory(UserFactory):
    is_programme_admin = True


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"{2020 + n}–{2022 + n}")
    start_date = factory.Sequence(lambda n: datetime.date(2020 + n, 9, 1))
    end_date = factory.LazyAttribute(lambda o: o.start_date.replace(year=o.start_date.year + 2))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    student = factory.SubFactory(StudentFactory)
    student_number = factory.Sequence(lambda n: f"{n:08d}")
    enrolled_on = factory.LazyAttribute(lambda o: o.cohort.start_date)


# --- curriculum and competencies ------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["code"]

    code = "moc"
    name_nl = "Master Organisatiecoaching"
    name_en = "Master in Organisational Coaching"


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discipline
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"discipline-{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Discipline {o.code} (nl)")
    name_en = factory.LazyAttribute(lambda o: f"Discipline {o.code}")


class CurriculumVersionFactory(factory.django.DjangoModelFactory):
    """A draft version with years 1 and 2 (30 EC each) and an empty four-level framework."""

    class Meta:
        model = CurriculumVersion
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"version-{n}")

    @factory.post_generation
    def structure(obj, create, extracted, **kwargs):
        if not create:
            return
        for number in (1, 2):
            CurriculumYear.objects.create(version=obj, number=number, ec_target=30)
        framework = CompetencyFramework.objects.create(
            curriculum_version=obj, name_nl="Competentieprofiel", name_en="Competency framework"
        )
        for rank, dutch, english in DEFAULT_SCALE:
            ProficiencyLevel.objects.create(
                framework=framework, rank=rank, name_nl=dutch, name_en=english
            )


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    year = factory.LazyAttribute(lambda o: CurriculumVersionFactory().years.get(number=1))
    number = factory.Sequence(lambda n: n + 1)
    name_nl = factory.LazyAttribute(lambda o: f"Blok {o.number}")
    name_en = factory.LazyAttribute(lambda o: f"Period {o.number}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    period = factory.SubFactory(PeriodFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    title_nl = factory.LazyAttribute(lambda o: f"Onderwijseenheid {o.code}")
    title_en = factory.LazyAttribute(lambda o: f"Module {o.code}")
    ec = 5
    assessment_form = Module.AssessmentForm.PORTFOLIO


class ReviewMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewMoment

    version = factory.SubFactory(CurriculumVersionFactory)
    code = factory.Sequence(lambda n: f"moment-{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Beoordeling {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Review {o.code}")
    year = 1
    offset_months = 10


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    framework = factory.LazyAttribute(lambda o: CurriculumVersionFactory().framework)
    code = factory.Sequence(lambda n: f"profile-{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Profiel {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Profile {o.code}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    profile = factory.SubFactory(ProfileFactory)
    framework = factory.LazyAttribute(lambda o: o.profile.framework)
    code = factory.Sequence(lambda n: f"C{n}")
    name_nl = factory.LazyAttribute(lambda o: f"Competentie {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Competency {o.code}")
    role = ProfessionalRole.COACH


def make_programme(*, competencies: int = 3, modules: int = 2, name: str = "2025"):
    """A complete small version: periods, modules, competencies with an indicator per level,
    a target for every module and competency, and two review moments with targets."""
    version = CurriculumVersionFactory(name=name)
    framework = version.framework
    levels = list(framework.levels.all())
    discipline = DisciplineFactory()
    profile = ProfileFactory(framework=framework, code="individual")
    comps = [
        CompetencyFactory(profile=profile, code=f"IC{n + 1}", position=n)
        for n in range(competencies)
    ]
    Indicator.objects.bulk_create(
        Indicator(
            competency=c,
            level=level,
            text_nl=f"{c.code} nl {level.rank}",
            text_en=f"{c.code} en {level.rank}",
        )
        for c in comps
        for level in levels
    )
    period = PeriodFactory(year=version.years.get(number=1), number=1)
    mods = [ModuleFactory(period=period, code=f"M{n + 1}", position=n) for n in range(modules)]
    for module in mods:
        module.disciplines.add(discipline)
    ModuleTarget.objects.bulk_create(
        ModuleTarget(module=m, competency=c, level=levels[1]) for m in mods for c in comps
    )
    first = ReviewMomentFactory(version=version, code="year-1-review", offset_months=10)
    final = ReviewMomentFactory(
        version=version,
        code="final-portfolio",
        year=2,
        offset_months=21,
        min_examiners=2,
        decisive=True,
    )
    ReviewTarget.objects.bulk_create(
        [ReviewTarget(review_moment=first, competency=c, level=levels[1]) for c in comps]
        + [ReviewTarget(review_moment=final, competency=c, level=levels[2]) for c in comps]
    )
    return version
