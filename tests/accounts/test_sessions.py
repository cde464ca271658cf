"""Session lifetime, the sessions page, and disabling an account ends its sessions."""

from urllib.parse import urlencode

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from coachmaster.accounts.middleware import (
    ACTIVITY_STAMP_INTERVAL,
    LOGIN_AT_SESSION_KEY,
    SEEN_AT_SESSION_KEY,
)
from coachmaster.accounts.models import User
from coachmaster.accounts.services import deactivate_account
from tests.factories import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db

IDLE_MESSAGE = (
    "Your session has ended because you were inactive for too long. Please log in again."
)
ABSOLUTE_MESSAGE = (
    "Your session has ended because it reached its maximum length. Please log in again."
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def login(user, user_agent=FIREFOX, ip="192.0.2.10") -> Client:
    """A browser that logged in through allauth, so the session is recorded like a real one."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def set_stamps(client, **seconds_ago) -> None:
    now = timezone.now().timestamp()
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT_SESSION_KEY, "seen": SEEN_AT_SESSION_KEY}[key]] = now - ago
    session.save()


def is_logged_in(client, url_name="student_dashboard") -> bool:
    return client.get(reverse(url_name)).status_code == 200


# --- Lifetime --------------------------------------------------------------------------------


def test_login_records_the_login_time(client, student):
    before = timezone.now().timestamp()
    client.force_login(student)
    assert before <= client.session[LOGIN_AT_SESSION_KEY] <= timezone.now().timestamp()
    assert client.session[SEEN_AT_SESSION_KEY] == client.session[LOGIN_AT_SESSION_KEY]


def test_idle_session_is_ended_with_a_message_and_next_kept(client, student, settings):
    english(student)
    client.force_login(student)
    set_stamps(
        client, login=settings.SESSION_IDLE_TIMEOUT + 10, seen=settings.SESSION_IDLE_TIMEOUT + 1
    )
    url = reverse("competencies:log") + "?page=2"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?" + urlencode({"next": url}, safe="/")
    html = client.get(response.url).content.decode()
    assert escape(gettext(IDLE_MESSAGE)) in html
    assert 'name="next"' in html
    assert not is_logged_in(client)


def test_session_is_ended_after_its_absolute_lifetime_however_busy(client, student, settings):
    # In the person's own language, like the page after logging out (this module's default).
    client.force_login(english(student))
    set_stamps(client, login=settings.SESSION_ABSOLUTE_LIFETIME + 1, seen=5)
    response = client.get(reverse("student_dashboard"), follow=True)
    assert escape(gettext(ABSOLUTE_MESSAGE)) in response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert not is_logged_in(client)


def test_limits_follow_the_settings(client, student, settings):
    settings.SESSION_IDLE_TIMEOUT = 60 * 5
    client.force_login(student)
    set_stamps(client, seen=60 * 4)
    assert is_logged_in(client)
    set_stamps(client, seen=60 * 5 + 1)
    assert not is_logged_in(client)


def test_session_within_its_limits_continues(client, student, settings):
    client.force_login(student)
    set_stamps(
        client,
        login=settings.SESSION_ABSOLUTE_LIFETIME - 60,
        seen=settings.SESSION_IDLE_TIMEOUT - 60,
    )
    assert is_logged_in(client)


def test_htmx_request_of_an_ended_session_gets_a_client_redirect_to_the_page(
    client, student, settings
):
    client.force_login(student)
    set_stamps(client, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(
        reverse("competencies:log"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/student/"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next=/student/"


def test_post_of_an_ended_session_writes_nothing(client, student, settings):
    client.force_login(student)
    set_stamps(client, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.post(reverse("preferences"), {"preferred_language": "en"})
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    student.refresh_from_db()
    assert student.preferred_language == "nl"


def test_activity_is_written_at_most_once_a_minute(client, student, django_assert_num_queries):
    client.force_login(student)
    stamp = client.session[SEEN_AT_SESSION_KEY]
    client.get(reverse("student_dashboard"))
    assert client.session[SEEN_AT_SESSION_KEY] == stamp
    set_stamps(client, seen=ACTIVITY_STAMP_INTERVAL + 1)
    client.get(reverse("student_dashboard"))
    assert client.session[SEEN_AT_SESSION_KEY] > stamp


def test_activity_updates_last_seen_on_the_sessions_page(student):
    client = login(student)
    session = UserSession.objects.get(user=student)
    UserSession.objects.filter(pk=session.pk).update(
        last_seen_at=timezone.now() - timezone.timedelta(hours=1)
    )
    set_stamps(client, seen=ACTIVITY_STAMP_INTERVAL + 1)
    client.get(reverse("student_dashboard"))
    session.refresh_from_db()
    assert timezone.now() - session.last_seen_at < timezone.timedelta(minutes=1)


def test_untracked_session_is_recorded_at_its_next_stamp(client, student):
    client.force_login(student)
    assert not UserSession.objects.filter(user=student).exists()
    set_stamps(client, seen=ACTIVITY_STAMP_INTERVAL + 1)
    client.get(reverse("student_dashboard"), HTTP_USER_AGENT=FIREFOX)
    assert UserSession.objects.get(user=student).user_agent == FIREFOX


def test_ended_session_no_longer_shows_on_the_sessions_page(student, settings):
    old = login(student, user_agent=SAFARI)
    current = login(student)
    set_stamps(old, seen=settings.SESSION_IDLE_TIMEOUT + 1)
    old.get(reverse("student_dashboard"))
    html = current.get(reverse("usersessions_list")).content.decode()
    assert "iPhone" not in html


# --- Seeing and ending sessions ---------------------------------------------------------------


def test_sessions_page_lists_own_sessions_with_browser_ip_and_times(student, student2):
    english(student)
    login(student, user_agent=SAFARI, ip="198.51.100.7")
    login(student2, user_agent="Student2Browser/1.0")
    current = login(student)
    response = current.get(reverse("usersessions_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "iPhone" in html and "198.51.100.7" in html
    assert "Firefox/128.0" in html and "192.0.2.10" in html
    assert "Student2Browser" not in html
    assert html.count(gettext("This session")) == 1
    assert gettext("Last seen") in html
    assert "<caption" in html and 'scope="col"' in html
    assert gettext("End all other sessions") in html


def test_ending_other_sessions_signs_them_out_and_keeps_this_one(student):
    english(student)
    other = login(student, user_agent=SAFARI)
    current = login(student)
    response = current.post(reverse("usersessions_list"), follow=True)
    assert gettext("Signed out of all other sessions.") in response.content.decode()
    assert is_logged_in(current)
    assert not is_logged_in(other)
    assert UserSession.objects.filter(user=student).count() == 1


def test_single_session_has_no_end_others_button(student):
    current = login(student)
    html = current.get(reverse("usersessions_list")).content.decode()
    assert gettext("End all other sessions") not in html


@pytest.mark.parametrize("person", ["student", "lecturer", "supervisor", "programme_admin"])
def test_every_role_sees_the_sessions_page(world, person):
    client = login(world[person])
    assert client.get(reverse("usersessions_list")).status_code == 200


def test_anonymous_visitor_of_sessions_page_goes_to_login(client):
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_sessions_page_refuses_other_methods(student):
    client = login(student)
    assert client.delete(reverse("usersessions_list")).status_code == 405
    assert client.patch(reverse("usersessions_list")).status_code == 405


@pytest.mark.parametrize("sessions", [1, 4])
def test_sessions_page_query_count(student, sessions, django_assert_num_queries):
    for _ in range(sessions - 1):
        login(student, user_agent=SAFARI)
    client = login(student)
    client.get(reverse("usersessions_list"))
    # allauth checks that every listed session still exists in the session store (three
    # queries each: does it exist, load it, its user); the rest is constant.
    with django_assert_num_queries(3 + 3 * sessions):
        client.get(reverse("usersessions_list"))


# --- Disabling an account ------------------------------------------------------------------


def test_deactivate_account_ends_every_session(student, student2, programme_admin):
    tracked = login(student)
    untracked = Client()
    untracked.force_login(student)
    bystander = login(student2)
    ended = deactivate_account(user=student, by=programme_admin)
    assert ended == 2
    student.refresh_from_db()
    assert not student.is_active
    assert not is_logged_in(tracked)
    assert not is_logged_in(untracked)
    assert is_logged_in(bystander)
    assert not UserSession.objects.filter(user=student).exists()
    assert all(
        s.get_decoded().get("_auth_user_id") != str(student.pk) for s in Session.objects.all()
    )


def test_open_session_of_a_disabled_user_is_refused(client, student):
    client.force_login(student)
    User.objects.filter(pk=student.pk).update(is_active=False)
    response = client.get(reverse("student_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_action_disables_and_signs_out(client, programme_admin, student, student2):
    english(programme_admin)
    victim = login(student)
    client.force_login(programme_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "disable_and_sign_out",
            "_selected_action": [student.pk, student2.pk, programme_admin.pk],
        },
        follow=True,
    )
    html = response.content.decode()
    assert gettext("You cannot disable your own account; it was left as it is.") in html
    assert "2 people were disabled and signed out everywhere." in html
    student.refresh_from_db()
    student2.refresh_from_db()
    programme_admin.refresh_from_db()
    assert not student.is_active and not student2.is_active
    assert programme_admin.is_active
    assert not is_logged_in(victim)
    assert client.get(reverse("admin:index")).status_code == 200


def test_unticking_active_in_the_admin_signs_the_person_out(client, programme_admin, student):
    english(programme_admin)
    victim = login(student)
    client.force_login(programme_admin)
    response = client.post(
        reverse("admin:accounts_user_change", args=[student.pk]),
        {
            "given_name": student.given_name,
            "name_prefix": "",
            "family_name": student.family_name,
            "preferred_language": "nl",
            "weekly_digest": "on",
            "is_student": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    student.refresh_from_db()
    assert not student.is_active
    assert not is_logged_in(victim)
    assert "session was ended" in response.content.decode()


def test_saving_an_active_person_in_the_admin_keeps_their_sessions(
    client, programme_admin, student
):
    session = login(student)
    client.force_login(programme_admin)
    client.post(
        reverse("admin:accounts_user_change", args=[student.pk]),
        {
            "given_name": "Anna",
            "name_prefix": "",
            "family_name": student.family_name,
            "preferred_language": "nl",
            "is_student": "on",
            "is_active": "on",
        },
    )
    student.refresh_from_db()
    assert student.given_name == "Anna"
    assert is_logged_in(session)


def test_admins_cannot_disable_themselves_in_the_change_form(client, programme_admin):
    client.force_login(programme_admin)
    html = client.get(
        reverse("admin:accounts_user_change", args=[programme_admin.pk])
    ).content.decode()
    assert 'name="is_active"' not in html


def test_changelist_shows_who_has_two_factor(client, programme_admin, student):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=student, type=Authenticator.Type.TOTP, data={})
    StudentFactory.create_batch(3)
    client.force_login(programme_admin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "has_mfa" in response.content.decode()


def test_password_reentry_page_uses_our_form_and_confirms(client, lecturer, password):
    client.force_login(lecturer)
    response = client.get(reverse("account_reauthenticate"))
    assert response.status_code == 200
    assert gettext("Before you change how you log in, enter your password again.") in (
        response.content.decode()
    )
    wrong = client.post(reverse("account_reauthenticate"), {"password": "not-it"})
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    right = client.post(reverse("account_reauthenticate"), {"password": password})
    assert right.status_code == 302


@pytest.mark.parametrize("issuer, shown", [("", False), ("https://connect.example.org", True)])
def test_my_account_links_surfconext_when_configured(client, student, settings, issuer, shown):
    settings.SURFCONEXT_ISSUER = issuer
    client.force_login(student)
    html = client.get(reverse("preferences")).content.decode()
    assert (reverse("socialaccount_connections") in html) is shown


def test_pages_of_a_logged_in_person_are_not_stored_by_browsers(client, student):
    assert "no-store" not in client.get(reverse("privacy:statement")).get("Cache-Control", "")
    client.force_login(student)
    cache_control = client.get(reverse("student_dashboard"))["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control
