"""The administrator's assessment pages: the overview with filters and the bulk action, an
assessment's examiners, and its history; who may reach them, wrong methods, query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape

from coachmaster.accounts.models import User
from cohorts.models import Enrolment, SupervisorAssignment
from competencies.models import (
    Assessment,
    AssessmentEvent,
    Correction,
    Examiner,
    Portfolio,
    PortfolioSnapshot,
    Verdict,
)
from tests.competencies.assessment_helpers import (
    agree,
    assign,
    examining,
    judge,
    submitted,
)
from tests.factories import CohortFactory, LecturerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def examiners(assessment, programme_admin):
    return assign(
        assessment,
        LecturerFactory(family_name="Aalbers"),
        LecturerFactory(family_name="Bakker"),
        by=programme_admin,
    )


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def many_assessments(cohort, moment, count, lecturers=()):
    """``count`` submitted portfolios with their open assessments, written in bulk; each has
    ``lecturers`` as examiners (the first one submitted)."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            email=f"bulk{n}-{cohort.pk}@example.org",
            given_name="Student",
            family_name=f"Nummer {n:04d}",
            is_student=True,
        )
        for n in range(count)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            student=user,
            student_number=f"B{cohort.pk}{n:06d}",
            enrolled_on=cohort.start_date,
        )
        for n, user in enumerate(users)
    )
    portfolios = Portfolio.objects.bulk_create(
        Portfolio(enrolment=enrolment, review_moment=moment) for enrolment in enrolments
    )
    snapshots = PortfolioSnapshot.objects.bulk_create(
        PortfolioSnapshot(
            portfolio=portfolio,
            number=1,
            data={},
            sha256="0" * 64,
            submitted_at=now,
            submitted_by=portfolio.enrolment.student,
        )
        for portfolio in portfolios
    )
    for portfolio, snapshot in zip(portfolios, snapshots, strict=True):
        portfolio.current_snapshot = snapshot
        portfolio.status = Portfolio.Status.SUBMITTED
    Portfolio.objects.bulk_update(portfolios, ["current_snapshot", "status"])
    assessments = Assessment.objects.bulk_create(
        Assessment(portfolio=p, snapshot=s, due_on=now.date() + datetime.timedelta(days=15))
        for p, s in zip(portfolios, snapshots, strict=True)
    )
    if lecturers:
        examining(cohort, *lecturers)
        Examiner.objects.bulk_create(
            Examiner(
                assessment=a,
                user=user,
                position=n + 1,
                assigned_by=user,
                verdict=Verdict.PASS if n == 0 else "",
                draft_saved_at=now if n == 0 else None,
                submitted_at=now if n == 0 else None,
            )
            for a in assessments
            for n, user in enumerate(lecturers)
        )
    return assessments


# --- who may reach what ----------------------------------------------------------------------


def people(world, examiners):
    return {**world, "examiner": examiners[0].user}


def test_anonymous_is_sent_to_login(client, assessment, examiners):
    for address in (
        url("assessment_admin"),
        url("assessment_examiners", assessment.uuid),
        url("assessment_history", assessment.uuid),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(url("assessment_examiner_remove", assessment.uuid, examiners[1].uuid))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert assessment.examiners.count() == 2


@pytest.mark.parametrize(
    "role", ["student", "student2", "lecturer", "examiner", "supervisor", "outsider"]
)
def test_overview_is_for_administrators_only(client, world, examiners, role):
    client.force_login(people(world, examiners)[role])
    assert client.get(url("assessment_admin")).status_code == 403
    assert client.post(url("assessment_admin")).status_code == 403
    assert not examiners[0].assessment.events.filter(kind="assigned").exists()


@pytest.mark.parametrize(
    "role", ["student", "student2", "lecturer", "examiner", "supervisor", "outsider"]
)
def test_an_assessments_admin_pages_are_404_for_everyone_else(
    client, world, assessment, examiners, enrolment, role
):
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=world["supervisor"])
    judge(examiners[0])
    judge(examiners[1])
    agree(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED, released_at=timezone.now()
    )
    client.force_login(people(world, examiners)[role])
    assert client.get(url("assessment_examiners", assessment.uuid)).status_code == 404
    assert client.post(url("assessment_examiners", assessment.uuid)).status_code == 404
    assert client.get(url("assessment_history", assessment.uuid)).status_code == 404
    response = client.post(url("assessment_examiner_remove", assessment.uuid, examiners[1].uuid))
    assert response.status_code == 404


def test_administrator_reaches_every_page(client, programme_admin, assessment, examiners):
    client.force_login(programme_admin)
    assert client.get(url("assessment_admin")).status_code == 200
    assert client.get(url("assessment_examiners", assessment.uuid)).status_code == 200
    assert client.get(url("assessment_history", assessment.uuid)).status_code == 200


def test_unknown_assessment_or_examiner_is_404(client, programme_admin, assessment, examiners):
    import uuid

    client.force_login(programme_admin)
    assert client.get(url("assessment_examiners", uuid.uuid4())).status_code == 404
    assert client.get(url("assessment_history", uuid.uuid4())).status_code == 404
    other = submitted(
        Enrolment.objects.create(
            cohort=assessment.portfolio.enrolment.cohort,
            student=User.objects.create_user("x@example.org", given_name="X", family_name="Y"),
            student_number="X1",
            enrolled_on=datetime.date(2025, 9, 1),
        )
    )
    # An examiner of another assessment.
    (stranger,) = assign(other, LecturerFactory(), by=programme_admin)
    response = client.post(url("assessment_examiner_remove", assessment.uuid, stranger.uuid))
    assert response.status_code == 404
    assert other.examiners.count() == 1


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("assessment_admin", "put"),
        ("assessment_admin", "delete"),
        ("assessment_examiners", "put"),
        ("assessment_examiners", "delete"),
        ("assessment_examiner_remove", "get"),
        ("assessment_history", "post"),
    ],
)
def test_wrong_method_is_405(client, programme_admin, assessment, examiners, name, method):
    client.force_login(programme_admin)
    args = {
        "assessment_admin": (),
        "assessment_examiners": (assessment.uuid,),
        "assessment_examiner_remove": (assessment.uuid, examiners[1].uuid),
        "assessment_history": (assessment.uuid,),
    }[name]
    assert getattr(client, method)(url(name, *args)).status_code == 405


# --- the overview ----------------------------------------------------------------------------


def test_overview_lists_assessments_with_examiners_but_never_their_verdicts(
    client, programme_admin, assessment, examiners
):
    judge(examiners[0], feedback="Heel precies geargumenteerd.", grade=Decimal("8.5"))
    client.force_login(programme_admin)
    response = client.get(url("assessment_admin"))
    (row,) = response.context["page"].object_list
    assert row == assessment
    assert (row.examiner_count, row.submitted_count) == (2, 1)
    content = response.content.decode()
    assert escape(assessment.portfolio.enrolment.student.sort_name) in content
    for examiner in examiners:
        assert escape(examiner.user.get_full_name()) in content
    assert "Heel precies" not in content
    assert "8,5" not in content and "8.5" not in content
    assert str(Verdict.PASS.label) not in content


def test_withdrawn_assessments_are_not_listed(client, programme_admin, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.WITHDRAWN)
    client.force_login(programme_admin)
    assert list(client.get(url("assessment_admin")).context["page"].object_list) == []


def states(client, **query):
    response = client.get(url("assessment_admin"), query)
    assert response.status_code == 200
    return {a.pk for a in response.context["page"].object_list}


def test_overview_filters(client, programme_admin, cohort, version, enrolment, student2):
    """One assessment per state; each filter finds exactly its own."""
    lecturers = [LecturerFactory(), LecturerFactory(), LecturerFactory()]
    needs = submitted(enrolment)
    assign(needs, lecturers[0])
    being = submitted(student2.enrolments.get())
    assign(being, *lecturers[:2])
    other_cohort = CohortFactory(curriculum_version=version)

    def another(cohort_=cohort, moment="final-portfolio"):
        enrolment_ = Enrolment.objects.create(
            cohort=cohort_,
            student=User.objects.create_user(
                f"s{Assessment.objects.count()}@example.org", given_name="S", family_name="T"
            ),
            student_number=f"N{Assessment.objects.count()}",
            enrolled_on=cohort_.start_date,
        )
        return submitted(enrolment_, moment)

    third = another()
    a, b = assign(third, *lecturers[:2])
    judge(a)
    judge(b)
    Assessment.objects.filter(pk=third.pk).update(escalated_at=timezone.now())
    reconciling = another()
    a, b = assign(reconciling, *lecturers[:2])
    judge(a)
    judge(b)
    overdue = another(other_cohort, "year-1-review")
    assign(overdue, lecturers[2])
    Assessment.objects.filter(pk=overdue.pk).update(due_on=datetime.date(2020, 1, 1))
    released = another()
    a, b = assign(released, *lecturers[:2])
    judge(a)
    judge(b)
    agree(released)
    Assessment.objects.filter(pk=released.pk).update(
        status=Assessment.Status.RELEASED, released_at=timezone.now()
    )

    client.force_login(programme_admin)
    everything = {needs.pk, being.pk, third.pk, reconciling.pk, overdue.pk, released.pk}
    assert states(client) == everything
    assert states(client, state="needs_examiners") == {needs.pk}
    assert states(client, state="needs_third") == {third.pk}
    assert states(client, state="open") == {needs.pk, being.pk, overdue.pk}
    assert states(client, state="reconciling") == {third.pk, reconciling.pk}
    assert states(client, state="overdue") == {overdue.pk}
    assert states(client, state="released") == {released.pk}
    assert states(client, cohort=other_cohort.uuid) == {overdue.pk}
    year_1 = version.review_moments.get(code="year-1-review")
    assert states(client, moment=year_1.uuid) == {overdue.pk}
    assert states(client, cohort=cohort.uuid, state="open") == {needs.pk, being.pk}
    # Nonsense in the query string is ignored, not an error.
    assert states(client, state="nonsense") == everything


def test_overview_is_paginated_by_50(client, programme_admin, cohort, version):
    moment = version.review_moments.get(code="final-portfolio")
    many_assessments(cohort, moment, 51)
    client.force_login(programme_admin)
    first = client.get(url("assessment_admin"), {"state": "open"})
    assert len(first.context["page"].object_list) == 50
    assert "state=open&amp;page=2" in first.content.decode()
    second = client.get(url("assessment_admin"), {"state": "open", "page": 2})
    assert len(second.context["page"].object_list) == 1


def test_overview_filter_by_htmx_renders_the_table_only(client, programme_admin, assessment):
    client.force_login(programme_admin)
    response = client.get(url("assessment_admin"), HTTP_HX_TARGET="assessments", **HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="assessments">')
    assert "<h1>" not in content


@pytest.mark.parametrize("count", [10, 500])
def test_overview_query_count_is_fixed(
    client, programme_admin, cohort, version, count, django_assert_max_num_queries
):
    moment = version.review_moments.get(code="final-portfolio")
    many_assessments(cohort, moment, count, lecturers=[LecturerFactory(), LecturerFactory()])
    client.force_login(programme_admin)
    client.get(url("assessment_admin"))  # the first visit records the active role
    with django_assert_max_num_queries(10):
        response = client.get(url("assessment_admin"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)
    with django_assert_max_num_queries(10):
        response = client.get(url("assessment_admin"), {"cohort": cohort.uuid, "state": "open"})
    assert response.status_code == 200


# --- the bulk action -------------------------------------------------------------------------


def test_bulk_assigns_the_proposal_to_all_that_need_it_in_the_filter(
    client, programme_admin, cohort, version, enrolment, student2
):
    lecturers = [LecturerFactory(), LecturerFactory(), LecturerFactory()]
    examining(cohort, *lecturers)
    first, second = submitted(enrolment), submitted(student2.enrolments.get())
    elsewhere_cohort = CohortFactory(curriculum_version=version)
    elsewhere = submitted(
        Enrolment.objects.create(
            cohort=elsewhere_cohort,
            student=User.objects.create_user("e@example.org", given_name="E", family_name="F"),
            student_number="E1",
            enrolled_on=elsewhere_cohort.start_date,
        )
    )
    examining(elsewhere_cohort, *lecturers)
    client.force_login(programme_admin)

    overview = client.get(url("assessment_admin"), {"cohort": cohort.uuid})
    assert overview.context["needing"] == 2

    response = client.post(url("assessment_admin"), {"cohort": cohort.uuid})

    assert response.status_code == 302
    assert response["Location"] == f"{url('assessment_admin')}?cohort={cohort.uuid}"
    assert first.examiners.count() == 2 and second.examiners.count() == 2
    assert not elsewhere.examiners.exists()
    with translation.override("nl"):
        expected = translation.ngettext(
            "Examiners were assigned to %(count)s assessment.",
            "Examiners were assigned to %(count)s assessments.",
            2,
        ) % {"count": 2}
    assert expected in messages_of(response)


def test_bulk_by_htmx_redirects_the_client(client, programme_admin, cohort, enrolment):
    examining(cohort, LecturerFactory(), LecturerFactory())
    assessment = submitted(enrolment)
    client.force_login(programme_admin)
    response = client.post(url("assessment_admin"), {}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("assessment_admin")
    assert assessment.examiners.count() == 2


def test_bulk_warns_about_what_it_could_not_fill(client, programme_admin, enrolment):
    assessment = submitted(enrolment)
    client.force_login(programme_admin)
    response = client.post(url("assessment_admin"))
    assert not assessment.examiners.exists()
    with translation.override("nl"):
        expected = translation.gettext("No assessment could be given examiners.")
    assert expected in messages_of(response)


# --- one assessment's examiners --------------------------------------------------------------


def test_examiners_page_preselects_the_proposal(client, programme_admin, cohort, assessment):
    lecturers = [
        LecturerFactory(family_name="Aalbers"),
        LecturerFactory(family_name="Bakker"),
        LecturerFactory(family_name="Claes"),
    ]
    examining(cohort, *lecturers)
    busy = Enrolment.objects.create(
        cohort=cohort,
        student=User.objects.create_user("b@example.org", given_name="B", family_name="C"),
        student_number="B1",
        enrolled_on=cohort.start_date,
    )
    assign(submitted(busy), lecturers[0])
    client.force_login(programme_admin)

    response = client.get(url("assessment_examiners", assessment.uuid))

    assert response.context["proposal"] == lecturers[1:]
    form = response.context["form"]
    assert list(form["users"].value()) == [lecturers[1].uuid, lecturers[2].uuid]
    assert [user.open_load for user in form.fields["users"].queryset] == [0, 0, 1]
    content = response.content.decode()
    checked = re.findall(r'<input[^>]*value="([^"]+)"[^>]*checked', content)
    assert checked == [str(lecturers[1].uuid), str(lecturers[2].uuid)]


def test_examiners_page_shows_progress_never_judgements(
    client, programme_admin, assessment, examiners
):
    judge(examiners[0], feedback="Sterk in de relatie.", submit=True)
    client.force_login(programme_admin)
    response = client.get(url("assessment_examiners", assessment.uuid))
    content = response.content.decode()
    assert "Sterk in de relatie" not in content
    assert escape(examiners[1].user.sort_name) in content
    # Only the examiner who has not started can be removed.
    assert url("assessment_examiner_remove", assessment.uuid, examiners[1].uuid) in content
    assert url("assessment_examiner_remove", assessment.uuid, examiners[0].uuid) not in content


def test_assign_by_the_form(client, programme_admin, cohort, assessment, mailoutbox):
    lecturers = [LecturerFactory(family_name="Aalbers"), LecturerFactory(family_name="Bakker")]
    examining(cohort, *lecturers)
    client.force_login(programme_admin)
    response = client.post(
        url("assessment_examiners", assessment.uuid),
        {"users": [str(lecturers[1].uuid), str(lecturers[0].uuid)]},
    )
    assert response.status_code == 302
    assert response["Location"] == url("assessment_examiners", assessment.uuid)
    # Numbered in the order shown: least loaded, then by name.
    assert [(e.user, e.position) for e in assessment.examiners.order_by("position")] == [
        (lecturers[0], 1),
        (lecturers[1], 2),
    ]


def test_assign_errors_are_messages_and_write_nothing(
    client, programme_admin, cohort, enrolment, assessment
):
    lecturers = [LecturerFactory(family_name="Aalbers"), LecturerFactory(family_name="Bakker")]
    examining(cohort, *lecturers)
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=lecturers[1])
    client.force_login(programme_admin)

    response = client.post(
        url("assessment_examiners", assessment.uuid),
        {"users": [str(lecturers[0].uuid), str(lecturers[1].uuid)]},
    )

    assert response.status_code == 400
    assert not assessment.examiners.exists()
    with translation.override("nl"):
        expected = translation.gettext(
            "%(name)s is the student's thesis supervisor and may not be the second examiner."
        ) % {"name": lecturers[1].get_full_name()}
    assert expected in messages_of(response)
    assert escape(expected) in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"users": ["not-a-uuid"]}])
def test_bad_input_re_renders_with_messages(client, programme_admin, cohort, assessment, data):
    examining(cohort, LecturerFactory())
    client.force_login(programme_admin)
    response = client.post(url("assessment_examiners", assessment.uuid), data)
    assert response.status_code == 400
    assert messages_of(response)
    assert not assessment.examiners.exists()


def test_remove_by_the_button(client, programme_admin, assessment, examiners):
    client.force_login(programme_admin)
    response = client.post(url("assessment_examiner_remove", assessment.uuid, examiners[1].uuid))
    assert response.status_code == 302
    assert response["Location"] == url("assessment_examiners", assessment.uuid)
    assert list(assessment.examiners.all()) == [examiners[0]]


def test_remove_of_a_started_examiner_is_refused_with_a_message(
    client, programme_admin, assessment, examiners
):
    judge(examiners[1], submit=False)
    client.force_login(programme_admin)
    response = client.post(
        url("assessment_examiner_remove", assessment.uuid, examiners[1].uuid), **HTMX
    )
    assert response["HX-Redirect"] == url("assessment_examiners", assessment.uuid)
    assert assessment.examiners.count() == 2
    with translation.override("nl"):
        expected = translation.gettext(
            "%(name)s has already started assessing and cannot be removed."
        ) % {"name": examiners[1].user.get_full_name()}
    assert expected in messages_of(response)


def test_examiners_page_of_a_released_assessment_offers_no_changes(
    client, programme_admin, assessment, examiners
):
    judge(examiners[0])
    judge(examiners[1])
    agree(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED, released_at=timezone.now()
    )
    client.force_login(programme_admin)
    response = client.get(url("assessment_examiners", assessment.uuid))
    assert response.context["can_assign"] is False
    assert '<form method="post" novalidate>' not in response.content.decode()


@pytest.mark.parametrize("count", [3, 40])
def test_examiners_page_query_count_is_fixed(
    client, programme_admin, cohort, assessment, count, django_assert_max_num_queries
):
    lecturers = [LecturerFactory() for _ in range(count)]
    examining(cohort, *lecturers)
    assign(assessment, *lecturers[:2], by=programme_admin)
    client.force_login(programme_admin)
    with django_assert_max_num_queries(16):
        response = client.get(url("assessment_examiners", assessment.uuid))
    assert response.status_code == 200


# --- history ---------------------------------------------------------------------------------


def test_history_shows_every_act_with_drafts_collapsed(
    client, programme_admin, assessment, examiners
):
    first, second = examiners
    base = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)

    def at(minutes):
        return base + datetime.timedelta(minutes=minutes)

    Kind = AssessmentEvent.Kind
    # Events are append-only: write them with their time directly.
    rows = [
        (Kind.DRAFT_SAVED, first.user, 2, {}),
        (Kind.DRAFT_SAVED, first.user, 10, {}),
        (Kind.DRAFT_SAVED, first.user, 40, {}),
        (Kind.DRAFT_SAVED, second.user, 41, {}),
        (Kind.SUBMITTED, first.user, 42, {"verdict": "not_yet", "grade": "5.5"}),
        (Kind.DRAFT_SAVED, first.user, 43, {}),
        (Kind.PROPOSED, second.user, 50, {"revision": 1, "levels": {"IC1": 3}}),
        (Kind.ESCALATED, second.user, 55, {}),
    ]
    for kind, actor, minutes, data in rows:
        AssessmentEvent.objects.create(
            assessment=assessment,
            kind=kind,
            actor=actor,
            at=at(minutes),
            data=data,
            reason="We zijn het **oneens**." if kind == Kind.ESCALATED else "",
        )
    Correction.objects.create(
        assessment=assessment,
        by=programme_admin,
        reason="Rekenfout in het cijfer.",
        grade=Decimal("6.5"),
        at=at(60),
    )
    client.force_login(programme_admin)

    response = client.get(url("assessment_history", assessment.uuid))

    lines = response.context["lines"]
    kinds = [(line.kind, len(line.drafts)) for line in lines]
    # created + 2 assigned happened first ("now"), in the record's order by time.
    drafts = [(kind, n) for kind, n in kinds if kind == Kind.DRAFT_SAVED]
    assert drafts == [(Kind.DRAFT_SAVED, 3), (Kind.DRAFT_SAVED, 1), (Kind.DRAFT_SAVED, 1)]
    content = response.content.decode()
    with translation.override("nl"):
        collapsed = translation.ngettext(
            "%(counter)s draft save by %(name)s on %(day)s at %(first)s",
            "%(counter)s draft saves by %(name)s between %(first)s and %(last)s on %(day)s",
            3,
        ) % {
            "counter": 3,
            "name": first.user.get_full_name(),
            "first": formats.time_format(timezone.localtime(at(2)), "TIME_FORMAT"),
            "last": formats.time_format(timezone.localtime(at(40)), "TIME_FORMAT"),
            "day": formats.date_format(timezone.localtime(at(2)), "DATE_FORMAT"),
        }
        grade = formats.number_format(Decimal("5.5"), 1, use_l10n=True)
        corrected = formats.number_format(Decimal("6.5"), 1, use_l10n=True)
        not_yet = str(Verdict.NOT_YET.label)
    assert escape(collapsed) in content
    assert "<details>" in content
    assert grade in content and corrected in content
    assert escape(not_yet) in content
    assert "IC1: 3" in content
    assert "<strong>oneens</strong>" in content
    assert "Rekenfout in het cijfer." in content
    for examiner in examiners:
        assert escape(examiner.user.get_full_name()) in content


def test_history_names_assigned_examiners(client, programme_admin, cohort, assessment):
    lecturer = LecturerFactory(family_name="Aalbers")
    examining(cohort, lecturer)
    from competencies.services import examiners as services

    services.assign_examiners(assessment=assessment, users=[lecturer], by=programme_admin)
    client.force_login(programme_admin)
    response = client.get(url("assessment_history", assessment.uuid))
    (assigned,) = [line for line in response.context["lines"] if line.kind == "assigned"]
    labels = {detail.label: detail.value for detail in assigned.details}
    with translation.override("nl"):
        assert labels[translation.gettext("Examiner")] == lecturer.get_full_name()
    assert assigned.actor == programme_admin


def test_history_shows_a_submitted_judgement_per_competency(client, programme_admin, assessment):
    from competencies.services import judging

    (examiner,) = assign(assessment, LecturerFactory(), by=programme_admin)
    judge(examiner, rank=3, feedback="Sterk **onderbouwd**.", submit=False)
    judging.submit_judgement(examiner=examiner, by=examiner.user)
    client.force_login(programme_admin)
    response = client.get(url("assessment_history", assessment.uuid))
    (submitted_line,) = [line for line in response.context["lines"] if line.kind == "submitted"]
    labels = {detail.label for detail in submitted_line.details}
    codes = set(assessment.portfolio.entries.values_list("competency__code", flat=True))
    assert codes <= labels
    content = response.content.decode()
    assert "<strong>onderbouwd</strong>" in content
    assert "{'level'" not in content and "signed_at" not in content


@pytest.mark.parametrize("count", [5, 100])
def test_history_query_count_is_fixed(
    client, programme_admin, assessment, examiners, count, django_assert_max_num_queries
):
    for n in range(count):
        AssessmentEvent.objects.create(
            assessment=assessment,
            kind=AssessmentEvent.Kind.DRAFT_SAVED,
            actor=examiners[n % 2].user,
            data={},
        )
        Correction.objects.create(
            assessment=assessment, by=programme_admin, reason=f"Reden {n}", verdict="pass"
        )
    client.force_login(programme_admin)
    with django_assert_max_num_queries(8):
        response = client.get(url("assessment_history", assessment.uuid))
    assert response.status_code == 200
