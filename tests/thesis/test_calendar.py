"""The calendar feed: the page and its buttons, the feed's secrecy (404 for wrong, revoked,
replaced and inactive tokens), its validity (parsed back with ``icalendar``), what each role
finds in it and what it must not show, and its query count."""

import datetime

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cohorts.models import Cohort
from cohorts.services import assign_supervisor
from competencies.models import Assessment
from tests.competencies.assessment_helpers import assign, submitted
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeAdminFactory,
    StudentFactory,
    SupervisorFactory,
)
from thesis import services
from thesis.access import READER_KINDS
from thesis.calendar import PRODID, build_calendar
from thesis.models import CalendarFeed, Milestone, MilestoneKind

from .helpers import approve, make_project

pytestmark = pytest.mark.django_db

PAGE = reverse("thesis:calendar")
REGENERATE = reverse("thesis:calendar_regenerate")
REVOKE = reverse("thesis:calendar_revoke")


def feed_path(token: str) -> str:
    return reverse("thesis:calendar_feed", args=[token])


def token_of(user) -> str:
    return services.regenerate_calendar_token(user=user).token


def events(calendar) -> dict[str, icalendar.Event]:
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["uid"])
        assert uid not in found, f"duplicate UID {uid}"
        found[uid] = event
    return found


def events_of(user) -> dict[str, icalendar.Event]:
    return events(icalendar.Calendar.from_ical(build_calendar(user, base_url="https://cm.test")))


def uid(kind: str, *parts) -> str:
    return f"{kind}-{'-'.join(str(p) for p in parts)}@coachmaster"


def start(event) -> datetime.date:
    return event.decoded("dtstart")


def nl(msgid: str, **values) -> str:
    with translation.override("nl"):
        return gettext(msgid) % values if values else gettext(msgid)


def _log(project, by, *, date=None, actions=()):
    return services.log_meeting(
        project=project,
        date=date or datetime.date(2026, 3, 2),
        notes="Vertrouwelijke **notities**.",
        actions=list(actions),
        by=by,
    )


@pytest.fixture
def other_supervisor(db):
    return SupervisorFactory(email="andere-begeleider@example.org")


@pytest.fixture
def project2(student2, version, other_supervisor):
    """The other student's project, supervised by somebody else."""
    return make_project(student2.enrolments.get(), supervisor=other_supervisor, title="Ander")


# --- the page ------------------------------------------------------------------------------------


def test_the_page_requires_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["student", "lecturer", "supervisor", "programme_admin"])
def test_every_role_can_open_the_page(client, world, name):
    client.force_login(world[name])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["feed"] is None
    assert REGENERATE in response.content.decode()
    assert REVOKE not in response.content.decode()


def test_creating_the_address_shows_the_full_url(client, student):
    client.force_login(student)
    response = client.post(REGENERATE)
    assert response.status_code == 302 and response["Location"] == PAGE
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [nl("Your calendar address has been created.")]
    feed = CalendarFeed.objects.get(user=student)
    page = client.get(PAGE)
    assert page["Cache-Control"].startswith("max-age=0")
    assert f'value="http://testserver{feed_path(feed.token)}"' in page.content.decode()
    assert REVOKE in page.content.decode()


def test_regenerating_replaces_the_address_and_says_so(client, student):
    old = token_of(student)
    client.force_login(student)
    response = client.post(REGENERATE)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        nl(
            "Your calendar has a new address. The old address no longer works: "
            "subscribe again with the new one."
        )
    ]
    new = CalendarFeed.objects.get(user=student).token
    assert new != old
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_stopping_the_feed_deletes_the_address(client, student):
    token = token_of(student)
    client.force_login(student)
    response = client.post(REVOKE)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not CalendarFeed.objects.filter(user=student).exists()
    client.logout()
    assert client.get(feed_path(token)).status_code == 404


@pytest.mark.parametrize("url", [REGENERATE, REVOKE])
def test_the_buttons_refuse_get(client, student, url):
    client.force_login(student)
    assert client.get(url).status_code == 405
    assert not CalendarFeed.objects.filter(user=student).exists()


@pytest.mark.parametrize("url", [REGENERATE, REVOKE])
def test_the_buttons_require_login(client, url):
    response = client.post(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_one_persons_button_leaves_anothers_feed_alone(client, student, student2):
    token = token_of(student2)
    client.force_login(student)
    client.post(REVOKE)
    client.post(REGENERATE)
    assert CalendarFeed.objects.get(user=student2).token == token


# --- secrecy -------------------------------------------------------------------------------------


def test_a_wrong_token_gives_404(client, student):
    token = token_of(student)
    assert client.get(feed_path("x" + token[1:])).status_code == 404
    assert client.get(feed_path("nonsense")).status_code == 404


def test_a_revoked_token_gives_404(client, student):
    token = token_of(student)
    services.revoke_calendar_token(user=student)
    assert client.get(feed_path(token)).status_code == 404


def test_a_regenerated_token_replaces_the_old_one(client, student):
    old = token_of(student)
    new = token_of(student)
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_the_feed_of_an_inactive_account_gives_404(client, student):
    token = token_of(student)
    student.is_active = False
    student.save()
    assert client.get(feed_path(token)).status_code == 404


def test_the_feed_refuses_post(client, student):
    assert client.post(feed_path(token_of(student))).status_code == 405


# --- the feed's form -----------------------------------------------------------------------------


def test_the_feed_is_a_valid_calendar_with_the_right_headers(client, project, student):
    response = client.get(feed_path(token_of(student)))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="coachmaster.ics"'
    assert response["Cache-Control"] == "private, max-age=300"
    assert "noindex" in response["X-Robots-Tag"]
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["prodid"]) == PRODID
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["calscale"]) == "GREGORIAN"
    assert str(calendar["method"]) == "PUBLISH"
    assert str(calendar["x-wr-calname"]) == nl("CoachMaster")
    assert str(calendar["x-wr-timezone"]) == "Europe/Amsterdam"
    proposal = project.milestones.get(kind=MilestoneKind.PROPOSAL)
    event = events(calendar)[uid("milestone", proposal.uuid)]
    assert event.decoded("dtstart") == proposal.due_on
    assert not isinstance(event.decoded("dtstart"), datetime.datetime)  # all day
    assert event.decoded("dtend") == proposal.due_on + datetime.timedelta(days=1)
    assert event.decoded("dtstamp").tzinfo is not None
    link = f"http://testserver{reverse('thesis:milestone', args=[proposal.uuid])}"
    assert str(event["url"]) == link
    assert link in str(event["description"])


def test_texts_follow_the_persons_language(project, student):
    student.preferred_language = "en"
    student.save()
    proposal = project.milestones.get(kind=MilestoneKind.PROPOSAL)
    event = events_of(student)[uid("milestone", proposal.uuid)]
    assert str(event["summary"]) == f"Thesis: {proposal.name_en}"
    assert str(event["description"]).startswith("Status: Not started. Thesis: ")


# --- what each role finds ------------------------------------------------------------------------


def test_the_student_sees_every_milestone_with_its_status(project, project2, student, supervisor):
    approve(project, MilestoneKind.PROPOSAL, supervisor)
    found = events_of(student)
    milestones = list(project.milestones.all())
    for milestone in milestones:
        event = found[uid("milestone", milestone.uuid)]
        assert start(event) == milestone.due_on
        with translation.override("nl"):
            assert str(event["summary"]) == gettext("Thesis: %(milestone)s") % {
                "milestone": milestone.name_nl
            }
            assert str(event["description"]).startswith(
                gettext("Status: %(status)s. Thesis: %(title)s.")
                % {"status": milestone.get_status_display(), "title": project.working_title}
            )
    # The other student's milestones are not in it.
    for milestone in project2.milestones.all():
        assert uid("milestone", milestone.uuid) not in found
    assert {u for u in found if u.startswith("milestone-")} == {
        uid("milestone", m.uuid) for m in milestones
    }


def test_the_student_sees_the_review_moments_of_their_curriculum(
    student, enrolment, version, other_cohort
):
    found = events_of(student)
    cohort = enrolment.cohort
    moments = list(version.review_moments.all())
    assert len(moments) == 2
    for moment in moments:
        event = found[uid("review", cohort.uuid, moment.uuid)]
        assert start(event) == moment.due_date(cohort.start_date)
        assert str(event["summary"]) == nl("Portfolio review: %(moment)s", moment=moment.name_nl)


def test_the_student_sees_their_meetings_and_their_open_actions(
    project, project2, student, supervisor, other_supervisor, student2
):
    mine = services.ActionInput("Interviewleidraad aanpassen", student, datetime.date(2026, 3, 9))
    done = services.ActionInput("Afgerond", student, datetime.date(2026, 3, 10))
    theirs = services.ActionInput("Literatuur sturen", supervisor, datetime.date(2026, 3, 11))
    undated = services.ActionInput("Ooit", student, None)
    meeting = _log(project, supervisor, actions=[mine, done, theirs, undated])
    services.set_action_done(
        action=meeting.actions.get(description="Afgerond"), done=True, by=student
    )
    other = _log(
        project2,
        other_supervisor,
        actions=[services.ActionInput("Niet van jou", student2, datetime.date(2026, 3, 9))],
    )
    found = events_of(student)
    event = found[uid("meeting", meeting.uuid)]
    assert start(event) == meeting.date
    assert str(event["summary"]) == nl("Supervision meeting")
    assert "notities" not in str(event["description"])  # notes stay out of calendars
    action = meeting.actions.get(description=mine.description)
    event = found[uid("action", action.uuid)]
    assert start(event) == datetime.date(2026, 3, 9)
    assert str(event["summary"]) == nl("Action: %(action)s", action=mine.description)
    actions = {u for u in found if u.startswith("action-")}
    assert actions == {uid("action", action.uuid)}
    assert uid("meeting", other.uuid) not in found


def test_the_supervisor_sees_open_milestones_of_supervisees_only(
    project, project2, supervisor, student
):
    proposal = approve(project, MilestoneKind.PROPOSAL, supervisor)
    meeting = _log(project, supervisor)
    own = services.ActionInput("Bronnen sturen", supervisor, datetime.date(2026, 3, 12))
    studentish = services.ActionInput("Schrijven", student, datetime.date(2026, 3, 12))
    with_actions = _log(project, supervisor, actions=[own, studentish])
    found = events_of(supervisor)
    open_milestones = project.milestones.exclude(status=Milestone.Status.APPROVED)
    for milestone in open_milestones:
        event = found[uid("milestone", milestone.uuid)]
        assert str(event["summary"]) == nl(
            "%(student)s: %(milestone)s",
            student=student.get_full_name(),
            milestone=milestone.name_nl,
        )
        assert start(event) == milestone.due_on
    assert uid("milestone", proposal.uuid) not in found
    for milestone in project2.milestones.all():
        assert uid("milestone", milestone.uuid) not in found
    assert str(found[uid("meeting", meeting.uuid)]["summary"]) == nl(
        "Supervision meeting: %(student)s", student=student.get_full_name()
    )
    assert uid("meeting", with_actions.uuid) in found
    assert {u for u in found if u.startswith("action-")} == {
        uid("action", with_actions.actions.get(owner=supervisor).uuid)
    }
    # Review moments are the students' and the administrators' business.
    assert not [u for u in found if u.startswith("review-")]


def test_a_former_supervisor_no_longer_sees_the_project(project, supervisor, other_supervisor):
    assign_supervisor(
        enrolment=project.enrolment, supervisor=other_supervisor, by=other_supervisor
    )
    assert not events_of(supervisor)
    assert len([u for u in events_of(other_supervisor) if u.startswith("milestone-")]) == 9


def test_the_examiner_sees_assessments_until_they_are_released(enrolment, lecturer, student):
    assessment = submitted(enrolment)
    assign(assessment, lecturer)
    event = events_of(lecturer)[uid("assessment", assessment.uuid)]
    assert start(event) == assessment.due_on
    moment = assessment.portfolio.review_moment
    assert str(event["summary"]) == nl(
        "Assess: %(student)s — %(moment)s", student=student.get_full_name(), moment=moment.name_nl
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.RECONCILING)
    assert uid("assessment", assessment.uuid) in events_of(lecturer)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.WITHDRAWN)
    assert uid("assessment", assessment.uuid) not in events_of(lecturer)


def test_another_lecturer_does_not_see_the_assessment(enrolment, lecturer_supervisor, lecturer):
    assessment = submitted(enrolment)
    assign(assessment, lecturer_supervisor)
    assert not events_of(lecturer)


def test_the_second_reader_sees_draft_final_and_defence(
    project, project2, lecturer, programme_admin
):
    services.assign_second_reader(project=project, reader=lecturer, by=programme_admin)
    found = events_of(lecturer)
    expected = {uid("milestone", m.uuid) for m in project.milestones.filter(kind__in=READER_KINDS)}
    assert set(found) == expected
    final = project.milestones.get(kind=MilestoneKind.FINAL)
    assert str(found[uid("milestone", final.uuid)]["summary"]) == nl(
        "%(student)s: %(milestone)s",
        student=project.enrolment.student.get_full_name(),
        milestone=final.name_nl,
    )


def test_the_administrator_sees_review_moments_of_running_cohorts(
    programme_admin, cohort, version, other_cohort, project
):
    stopped = CohortFactory(
        name="2019–2021", curriculum_version=version, status=Cohort.Status.COMPLETED
    )
    found = events_of(programme_admin)
    moments = list(version.review_moments.all())
    expected = {uid("review", cohort.uuid, m.uuid) for m in moments}
    assert set(found) == expected  # other_cohort has no curriculum; no thesis milestones
    moment = moments[0]
    event = found[uid("review", cohort.uuid, moment.uuid)]
    assert start(event) == moment.due_date(cohort.start_date)
    assert str(event["summary"]) == nl(
        "%(cohort)s: %(moment)s", cohort=cohort.name, moment=moment.name_nl
    )
    assert not [u for u in found if str(stopped.uuid) in u]


def test_several_roles_give_the_union_without_duplicates(
    project, enrolment, lecturer_supervisor, programme_admin, student2, version
):
    assign_supervisor(
        enrolment=student2.enrolments.get(), supervisor=lecturer_supervisor, by=programme_admin
    )
    other = make_project(student2.enrolments.get(), title="Tweede")
    services.assign_second_reader(project=project, reader=lecturer_supervisor, by=programme_admin)
    assessment = submitted(enrolment)
    assign(assessment, lecturer_supervisor)
    lecturer_supervisor.is_programme_admin = True
    lecturer_supervisor.save()
    found = events_of(lecturer_supervisor)  # ``events`` asserts the UIDs are unique
    assert uid("assessment", assessment.uuid) in found
    assert all(uid("milestone", m.uuid) in found for m in other.milestones.all())
    assert all(
        uid("milestone", m.uuid) in found for m in project.milestones.filter(kind__in=READER_KINDS)
    )
    assert uid("review", enrolment.cohort.uuid, version.review_moments.first().uuid) in found


# --- query count ---------------------------------------------------------------------------------


def _supervisees(supervisor, cohort, count):
    for n in range(count):
        enrolment = EnrolmentFactory(cohort=cohort, student=StudentFactory())
        project = make_project(enrolment, supervisor=supervisor, title=f"Onderzoek {n}")
        _log(
            project,
            supervisor,
            actions=[services.ActionInput("Iets", supervisor, datetime.date(2026, 4, 1))],
        )


@pytest.mark.parametrize("count", [1, 6])
def test_the_supervisors_feed_takes_a_fixed_number_of_queries(
    client, supervisor, cohort, version, count, django_assert_max_num_queries
):
    _supervisees(supervisor, cohort, count)
    supervisor.is_lecturer = True  # reads and examines too
    supervisor.save()
    token = token_of(supervisor)
    with django_assert_max_num_queries(6):
        response = client.get(feed_path(token))
    assert len(events(icalendar.Calendar.from_ical(response.content))) >= 9 * count


@pytest.mark.parametrize("meetings", [1, 6])
def test_the_students_feed_takes_a_fixed_number_of_queries(
    client, project, student, supervisor, meetings, django_assert_max_num_queries
):
    for n in range(meetings):
        _log(
            project,
            supervisor,
            date=datetime.date(2026, 3, 1 + n),
            actions=[services.ActionInput(f"Actie {n}", student, datetime.date(2026, 4, 1 + n))],
        )
    token = token_of(student)
    with django_assert_max_num_queries(6):
        response = client.get(feed_path(token))
    found = events(icalendar.Calendar.from_ical(response.content))
    assert len([u for u in found if u.startswith("meeting-")]) == meetings


@pytest.mark.parametrize("cohorts", [1, 5])
def test_the_administrators_feed_takes_a_fixed_number_of_queries(
    client, version, cohorts, django_assert_max_num_queries
):
    admin = ProgrammeAdminFactory()
    for n in range(cohorts):
        CohortFactory(name=f"Q{n}", curriculum_version=version)
    token = token_of(admin)
    with django_assert_max_num_queries(4):
        response = client.get(feed_path(token))
    # the world's cohort runs too
    assert len(events(icalendar.Calendar.from_ical(response.content))) == 2 * (cohorts + 1)
