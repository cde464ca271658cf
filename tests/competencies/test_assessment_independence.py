"""Examiners judge independently: every route an examiner could use to peek at another
examiner's levels, feedback, verdict or grade shows nothing of it until their own judgement
is submitted. The rule lives in ``Examiner.objects.visible_to``; these tests walk every
assessment page, partial and export to prove that none goes around it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from competencies.models import Examiner, Verdict

from ..factories import LecturerFactory
from .assessment_helpers import assign, judge, submitted, two_examiners

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

SECRET = "Alleen-voor-B-zichtbaar"
SECRET_GRADE = Decimal("9.3")


@pytest.fixture
def assessment(version, student, programme_admin):
    assessment = submitted(student.enrolments.get())
    first, second = two_examiners(assessment, by=programme_admin)
    judge(first, rank=2, verdict=Verdict.NOT_YET, grade=Decimal("5.0"), submit=False)
    judge(second, rank=4, verdict=Verdict.PASS, grade=SECRET_GRADE, feedback=SECRET)
    return assessment


def _first(assessment) -> Examiner:
    return assessment.examiners.get(position=1)


def _second(assessment) -> Examiner:
    return assessment.examiners.get(position=2)


def _reads(assessment) -> list[str]:
    """Every GET route of one assessment."""
    names = [
        "assessment",
        "assessment_form",
        "assessment_reconcile",
        "assessment_export",
        "assessment_correct",
        "assessment_history",
        "assessment_examiners",
    ]
    return [reverse(f"competencies:{name}", args=[assessment.uuid]) for name in names]


def _leaks(response) -> list[str]:
    body = response.content.decode()
    found = [SECRET] if SECRET in body else []
    if "9,3" in body or "9.3" in body:
        found.append("grade")
    return found


def test_an_examiner_with_a_draft_sees_nothing_of_the_other_judgement(client, assessment):
    client.force_login(_first(assessment).user)
    for url in [*_reads(assessment), reverse("competencies:assessment_queue")]:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        assert _leaks(response) == [], url
    # The autosave's answer is a partial: it must not leak either.
    response = client.post(
        reverse("competencies:assessment_autosave", args=[assessment.uuid]),
        {},
        headers={"hx-request": "true"},
    )
    assert _leaks(response) == []


def test_an_examiner_who_has_not_started_sees_nothing_either(client, assessment, programme_admin):
    (third,) = assign(assessment, LecturerFactory(), by=programme_admin)
    client.force_login(third.user)
    for url in _reads(assessment):
        assert _leaks(client.get(url)) == [], url


def test_after_submitting_an_examiner_sees_the_other_judgement(client, assessment):
    first = _first(assessment)
    judge(first, rank=2, verdict=Verdict.NOT_YET, grade=Decimal("5.0"))
    client.force_login(first.user)
    form = client.get(reverse("competencies:assessment_form", args=[assessment.uuid]))
    reconcile = client.get(reverse("competencies:assessment_reconcile", args=[assessment.uuid]))
    export = client.get(reverse("competencies:assessment_export", args=[assessment.uuid]))
    assert SECRET in form.content.decode()
    assert SECRET in reconcile.content.decode()
    assert SECRET in export.content.decode()


def test_the_student_and_other_staff_see_nothing_before_release(
    client, assessment, student, lecturer, supervisor, outsider
):
    for user in (student, lecturer, supervisor, outsider):
        client.force_login(user)
        for url in _reads(assessment):
            response = client.get(url)
            assert response.status_code in (403, 404), (user, url)
            assert _leaks(response) == []


def test_the_visibility_rule_itself(assessment, student, programme_admin):
    first, second = _first(assessment), _second(assessment)
    assert list(Examiner.objects.visible_to(first.user).filter(assessment=assessment)) == [first]
    assert set(Examiner.objects.visible_to(second.user).filter(assessment=assessment)) == {second}
    assert list(Examiner.objects.visible_to(student)) == []
    # Administrators see submitted judgements, never another person's draft.
    assert list(Examiner.objects.visible_to(programme_admin)) == [second]


def test_dashboards_count_the_assessment_work(client, assessment, programme_admin):
    first = _first(assessment)
    client.force_login(first.user)
    work = client.get(reverse("lecturer_dashboard")).context["work"]
    assert work == {
        "to_assess": 1,
        "to_reconcile": 0,
        "overdue": 0,
        "feedback_requests": 0,
        "theses_to_read": 0,
        "ethics": 0,
    }
    client.force_login(programme_admin)
    counts = client.get(reverse("admin_dashboard")).context["assessments"]
    assert counts == {"need_examiners": 0, "need_third": 0, "overdue": 0}


def test_an_administrator_who_examines_is_blind_until_submitting(assessment, programme_admin):
    (own,) = assign(assessment, programme_admin, by=programme_admin)
    judge(own, submit=False)
    visible = Examiner.objects.visible_to(programme_admin).filter(assessment=assessment)
    assert list(visible) == [own]
    judge(own)
    visible = Examiner.objects.visible_to(programme_admin).filter(assessment=assessment)
    assert set(visible) == {own, _second(assessment)}
