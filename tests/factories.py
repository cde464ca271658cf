"""factory-boy factories for the whole suite."""

import datetime

import factory
from allauth.account.models import EmailAddress

from coachmaster.accounts.models import User
from cohorts.models import Cohort, Enrolment

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
