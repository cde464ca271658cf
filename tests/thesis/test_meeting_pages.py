"""Supervision meeting pages: the list, logging a meeting with actions, editing it, adding an
action, ticking actions off (htmx and plain), who may open what, wrong methods and query
counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import EnrolmentFactory, LecturerFactory
from thesis import services
from thesis.models import SupervisionMeeting

from .helpers import make_project

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"thesis:{name}", args=args)


def get(client, user, address, **extra):
    client.force_login(user)
    return client.get(address, **extra)


def post(client, user, address, data=None, **extra):
    client.force_login(user)
    return client.post(address, data or {}, **extra)


@pytest.fixture
def reader(project, programme_admin):
    person = LecturerFactory(email="lezer@example.org")
    services.assign_second_reader(project=project, reader=person, by=programme_admin)
    return person


@pytest.fixture
def meeting(project, supervisor, student):
    return services.log_meeting(
        project=project,
        date=datetime.date(2026, 3, 2),
        notes="We bespraken de **onderzoeksvraag**. <script>alert(1)</script>",
        actions=[
            services.ActionInput("Vraag aanscherpen", student, datetime.date(2026, 3, 9)),
            services.ActionInput("Literatuur sturen", supervisor),
        ],
        by=supervisor,
    )


@pytest.fixture
def action(meeting):
    return meeting.actions.get(description="Vraag aanscherpen")


def new_meeting_data(**rows) -> dict:
    data = {"date": "2026-03-16", "notes": "Voortgang besproken."}
    for number in (1, 2, 3):
        data.update(
            {
                f"action-{number}-description": "",
                f"action-{number}-owner": "",
                f"action-{number}-due_on": "",
            }
        )
    data.update(rows)
    return data


# --- the list -----------------------------------------------------------------------------------


def test_the_student_sees_meetings_with_notes_and_actions(client, student, meeting, action):
    response = get(client, student, url("meetings", meeting.project.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>onderzoeksvraag</strong>" in content
    assert "<script>alert(1)</script>" not in content
    assert "Vraag aanscherpen" in content
    assert url("action_done", action.uuid) in content
    assert url("meeting_new", meeting.project.uuid) in content
    # Open actions by due date, the ones without a due date last.
    assert [a.description for a in response.context["open_actions"]] == [
        "Vraag aanscherpen",
        "Literatuur sturen",
    ]


def test_meetings_are_listed_newest_first_with_open_actions_on_top(
    client, supervisor, project, meeting, action
):
    later = services.log_meeting(
        project=project, date=datetime.date(2026, 4, 1), notes="Later.", by=supervisor
    )
    services.set_action_done(action=action, done=True, by=supervisor)
    response = get(client, supervisor, url("meetings", project.uuid))
    assert [m.pk for m in response.context["meetings"]] == [later.pk, meeting.pk]
    assert [a.description for a in response.context["open_actions"]] == ["Literatuur sturen"]
    content = response.content.decode()
    assert content.index("open-heading") < content.index("meetings-heading")


def test_the_admin_reads_the_meetings_without_writing(client, programme_admin, meeting, action):
    response = get(client, programme_admin, url("meetings", meeting.project.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vraag aanscherpen" in content
    assert url("meeting_new", meeting.project.uuid) not in content
    assert url("action_done", action.uuid) not in content


@pytest.mark.parametrize("who", ["reader", "student2", "outsider", "lecturer"])
def test_others_get_404_on_meetings(client, request, meeting, action, who):
    user = request.getfixturevalue(who)
    project = meeting.project
    assert get(client, user, url("meetings", project.uuid)).status_code == 404
    assert get(client, user, url("meeting_new", project.uuid)).status_code == 404
    assert (
        post(client, user, url("meeting_new", project.uuid), new_meeting_data()).status_code == 404
    )
    assert get(client, user, url("meeting", meeting.uuid)).status_code == 404
    assert (
        post(client, user, url("meeting", meeting.uuid), {"date": "2026-01-01"}).status_code == 404
    )
    assert post(client, user, url("action_add", meeting.uuid), {}).status_code == 404
    assert post(client, user, url("action_done", action.uuid), {"done": "1"}).status_code == 404
    action.refresh_from_db()
    assert not action.done


def test_anonymous_is_sent_to_log_in(client, meeting):
    response = client.get(url("meetings", meeting.project.uuid))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def many_meetings(project, supervisor, student, count):
    for number in range(count):
        services.log_meeting(
            project=project,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
            notes=f"Gesprek {number} met *nadruk*.",
            actions=[
                services.ActionInput(f"Actie {number}a", student),
                services.ActionInput(f"Actie {number}b", supervisor),
            ],
            by=supervisor,
        )


@pytest.mark.parametrize("count", [2, 20])
def test_the_meetings_query_count_is_fixed(
    client, project, supervisor, student, count, django_assert_max_num_queries
):
    many_meetings(project, supervisor, student, count)
    client.force_login(supervisor)
    client.get(url("meetings", project.uuid))
    with django_assert_max_num_queries(10):
        response = client.get(url("meetings", project.uuid))
    assert response.status_code == 200
    assert len(response.context["meetings"]) == count
    assert len(response.context["open_actions"]) == 2 * count


# --- logging a meeting --------------------------------------------------------------------------


def test_the_new_meeting_form_offers_today_and_the_two_owners(
    client, supervisor, student, project, lecturer
):
    response = get(client, supervisor, url("meeting_new", project.uuid))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    rows = response.context["rows"]
    assert len(rows) == 3
    owners = {key for key, _label in rows[0].fields["owner"].choices if key}
    assert owners == {str(student.uuid), str(supervisor.uuid)}


def test_the_supervisor_logs_a_meeting_with_actions(client, supervisor, student, project):
    data = new_meeting_data(
        **{
            "action-1-description": "Interviewleidraad maken",
            "action-1-owner": str(student.uuid),
            "action-1-due_on": "2026-03-23",
            "action-3-description": "Feedback geven",
            "action-3-owner": str(supervisor.uuid),
        }
    )
    response = post(client, supervisor, url("meeting_new", project.uuid), data)
    meeting = SupervisionMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == url("meeting", meeting.uuid)
    assert meeting.date == datetime.date(2026, 3, 16)
    assert meeting.logged_by == supervisor
    actions = {a.description: a for a in meeting.actions.all()}
    assert set(actions) == {"Interviewleidraad maken", "Feedback geven"}
    assert actions["Interviewleidraad maken"].owner == student
    assert actions["Interviewleidraad maken"].due_on == datetime.date(2026, 3, 23)
    assert actions["Feedback geven"].owner == supervisor


def test_the_student_logs_a_meeting_without_actions(client, student, project):
    response = post(client, student, url("meeting_new", project.uuid), new_meeting_data())
    assert response.status_code == 302
    meeting = SupervisionMeeting.objects.get()
    assert meeting.logged_by == student
    assert not meeting.actions.exists()


def test_an_action_without_owner_is_refused_with_the_text_kept(client, supervisor, project):
    data = new_meeting_data(**{"notes": "Mijn notities", "action-2-description": "Iets doen"})
    response = post(client, supervisor, url("meeting_new", project.uuid), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Mijn notities" in content
    assert "Iets doen" in content
    with translation.override("nl"):
        assert gettext("Choose who does it.") in content
    assert not SupervisionMeeting.objects.exists()


def test_an_owner_outside_the_project_is_refused(client, supervisor, project, lecturer):
    data = new_meeting_data(
        **{"action-1-description": "Iets doen", "action-1-owner": str(lecturer.uuid)}
    )
    response = post(client, supervisor, url("meeting_new", project.uuid), data)
    assert response.status_code == 400
    assert not SupervisionMeeting.objects.exists()


def test_a_meeting_needs_a_date(client, supervisor, project):
    response = post(
        client, supervisor, url("meeting_new", project.uuid), new_meeting_data(date="")
    )
    assert response.status_code == 400
    assert not SupervisionMeeting.objects.exists()


def test_a_meeting_far_ahead_is_refused(client, supervisor, project):
    far = (timezone.localdate() + datetime.timedelta(days=800)).isoformat()
    response = post(
        client, supervisor, url("meeting_new", project.uuid), new_meeting_data(date=far)
    )
    assert response.status_code == 400
    with translation.override("nl"):
        assert gettext("That date is too far ahead for a meeting.") in response.content.decode()


def test_the_admin_may_not_log_a_meeting(client, programme_admin, project):
    assert get(client, programme_admin, url("meeting_new", project.uuid)).status_code == 403
    response = post(client, programme_admin, url("meeting_new", project.uuid), new_meeting_data())
    assert response.status_code == 403
    assert not SupervisionMeeting.objects.exists()


def test_meeting_new_refuses_put(client, supervisor, project):
    client.force_login(supervisor)
    assert client.put(url("meeting_new", project.uuid)).status_code == 405


def test_meetings_list_refuses_post(client, supervisor, project):
    assert post(client, supervisor, url("meetings", project.uuid)).status_code == 405


# --- one meeting --------------------------------------------------------------------------------


def test_the_meeting_page_shows_notes_actions_and_forms(client, student, meeting, action):
    response = get(client, student, url("meeting", meeting.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<strong>onderzoeksvraag</strong>" in content
    assert "<script>alert(1)</script>" not in content
    assert url("action_add", meeting.uuid) in content
    assert url("action_done", action.uuid) in content


def test_the_student_edits_the_meeting(client, student, meeting):
    response = post(
        client,
        student,
        url("meeting", meeting.uuid),
        {"date": "2026-03-03", "notes": "Bijgewerkt"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.notes) == (datetime.date(2026, 3, 3), "Bijgewerkt")


def test_an_invalid_edit_keeps_the_text(client, supervisor, meeting):
    response = post(
        client, supervisor, url("meeting", meeting.uuid), {"date": "gisteren", "notes": "Nieuw"}
    )
    assert response.status_code == 400
    assert "Nieuw" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2026, 3, 2)


def test_the_admin_reads_one_meeting_without_forms(client, programme_admin, meeting):
    response = get(client, programme_admin, url("meeting", meeting.uuid))
    assert response.status_code == 200
    assert url("action_add", meeting.uuid) not in response.content.decode()
    response = post(
        client, programme_admin, url("meeting", meeting.uuid), {"date": "2026-03-03", "notes": "x"}
    )
    assert response.status_code == 403


def test_the_meeting_page_refuses_put(client, supervisor, meeting):
    client.force_login(supervisor)
    assert client.put(url("meeting", meeting.uuid)).status_code == 405


# --- actions ------------------------------------------------------------------------------------


def test_adding_an_action(client, supervisor, student, meeting):
    response = post(
        client,
        supervisor,
        url("action_add", meeting.uuid),
        {"description": "Datamanagementplan", "owner": str(student.uuid), "due_on": "2026-04-01"},
    )
    assert response.status_code == 302
    added = meeting.actions.get(description="Datamanagementplan")
    assert (added.owner, added.due_on) == (student, datetime.date(2026, 4, 1))


def test_adding_an_empty_action_is_refused(client, supervisor, student, meeting):
    response = post(
        client, supervisor, url("action_add", meeting.uuid), {"description": " ", "owner": ""}
    )
    assert response.status_code == 400
    with translation.override("nl"):
        assert gettext("Describe the action.") in response.content.decode()
    assert meeting.actions.count() == 2


def test_the_admin_may_not_add_an_action(client, programme_admin, student, meeting):
    response = post(
        client,
        programme_admin,
        url("action_add", meeting.uuid),
        {"description": "x", "owner": str(student.uuid)},
    )
    assert response.status_code == 403


def test_toggling_with_htmx_returns_the_row(client, student, action):
    response = post(client, student, url("action_done", action.uuid), {"done": ["0", "1"]}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode().strip()
    assert content.startswith(f'<tr id="action-{action.uuid}"')
    assert "checked" in content
    action.refresh_from_db()
    assert action.done and action.done_at is not None
    response = post(client, student, url("action_done", action.uuid), {"done": "0"}, **HTMX)
    assert "checked" not in response.content.decode()
    action.refresh_from_db()
    assert not action.done and action.done_at is None


def test_toggling_without_javascript_redirects_to_the_meeting(client, supervisor, action):
    response = post(client, supervisor, url("action_done", action.uuid), {"done": ["0", "1"]})
    assert response.status_code == 302
    assert response.url == url("meeting", action.meeting.uuid)
    action.refresh_from_db()
    assert action.done


def test_toggling_needs_a_done_value(client, supervisor, action):
    assert post(client, supervisor, url("action_done", action.uuid), {}).status_code == 400
    assert (
        post(client, supervisor, url("action_done", action.uuid), {"done": "ja"}).status_code
        == 400
    )


def test_the_admin_may_not_toggle(client, programme_admin, action):
    response = post(client, programme_admin, url("action_done", action.uuid), {"done": "1"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert not action.done


@pytest.mark.parametrize("name", ["action_add", "action_done"])
def test_action_pages_refuse_get(client, supervisor, meeting, action, name):
    target = meeting.uuid if name == "action_add" else action.uuid
    assert get(client, supervisor, url(name, target)).status_code == 405


def test_the_other_supervisor_of_the_cohort_gets_404(client, cohort, lecturer_supervisor, meeting):
    make_project(EnrolmentFactory(cohort=cohort), supervisor=lecturer_supervisor)
    assert get(client, lecturer_supervisor, url("meeting", meeting.uuid)).status_code == 404
