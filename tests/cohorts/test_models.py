import datetime

import pytest
from django.db import IntegrityError

from cohorts.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_student_numbers_keep_leading_zeros():
    enrolment = EnrolmentFactory(student_number="00012345")
    enrolment.refresh_from_db()
    assert enrolment.student_number == "00012345"


def test_a_student_is_enrolled_once_per_cohort():
    enrolment = EnrolmentFactory()
    with pytest.raises(IntegrityError):
        EnrolmentFactory(cohort=enrolment.cohort, student=enrolment.student)


def test_student_numbers_are_unique():
    EnrolmentFactory(student_number="4020001")
    with pytest.raises(IntegrityError):
        EnrolmentFactory(student_number="4020001")


def test_cohort_must_end_after_it_starts():
    with pytest.raises(IntegrityError):
        Cohort.objects.create(
            name="back-to-front",
            start_date=datetime.date(2026, 9, 1),
            end_date=datetime.date(2026, 1, 1),
        )


def test_active_student_counts_ignore_other_statuses():
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
    assert Cohort.objects.with_student_counts().get(pk=cohort.pk).active_student_count == 1


def test_names_sort_on_family_name_with_prefix_apart():
    person = StudentFactory(given_name="Anna", name_prefix="van den", family_name="Berg")
    assert person.get_full_name() == "Anna van den Berg"
    assert person.sort_name == "Berg, Anna van den"
