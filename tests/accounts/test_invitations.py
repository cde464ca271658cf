import re

import pytest
from django.urls import reverse

from coachmaster.accounts.services import create_account

pytestmark = pytest.mark.django_db


def _path(body: str) -> str:
    url = re.search(r"https?://\S+/accounts/password/reset/key/\S+", body).group(0)
    return "/" + url.split("/", 3)[3]


def test_invitation_is_sent_after_commit_in_the_recipients_language(
    programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person = create_account(
            email="lotte@example.org",
            given_name="Lotte",
            family_name="Visser",
            roles=["student"],
            preferred_language="nl",
            by=programme_admin,
        )
    assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [person.email]
    assert "Beste Lotte" in message.body


def test_invitation_link_lets_the_person_set_a_password_and_log_in(
    client, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = create_account(
            email="daan@example.org",
            given_name="Daan",
            family_name="Mulder",
            roles=["student"],
            by=programme_admin,
        )
    response = client.get(_path(mailoutbox[0].body), follow=True)
    form_url = response.redirect_chain[-1][0]
    secret = "een-heel-lang-wachtwoord"
    response = client.post(form_url, {"password1": secret, "password2": secret})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(secret)
    client.logout()
    client.post(reverse("account_login"), {"login": "daan@example.org", "password": secret})
    assert client.get(reverse("student_dashboard")).status_code == 200


def test_resend_invitation_by_admin(
    client, programme_admin, student, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resend_invitation", args=[student.uuid]))
    assert response.status_code == 302
    assert response.url == reverse("admin_dashboard")
    assert [m.to for m in mailoutbox] == [[student.email]]


def test_resend_invitation_with_htmx_returns_the_fragment(
    client, programme_admin, student, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("resend_invitation", args=[student.uuid]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'role="status"' in html
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("person", ["student", "lecturer", "supervisor", "outsider"])
def test_resend_invitation_is_for_administrators_only(client, world, person, mailoutbox):
    client.force_login(world[person])
    response = client.post(reverse("resend_invitation", args=[world["student2"].uuid]))
    assert response.status_code == 403
    assert mailoutbox == []


def test_resend_invitation_refuses_get_and_unknown_people(client, programme_admin):
    client.force_login(programme_admin)
    assert client.get(reverse("resend_invitation", args=[programme_admin.uuid])).status_code == 405
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.post(reverse("resend_invitation", args=[unknown])).status_code == 404


def test_admin_dashboard_lists_people_who_never_logged_in(client, programme_admin, student):
    client.force_login(programme_admin)
    html = client.get(reverse("admin_dashboard")).content.decode()
    assert student.email in html
    assert programme_admin.email not in html.split("invitations-heading")[1]


def test_htmx_request_after_the_session_expired_reloads_the_login_page(client, student):
    response = client.post(
        reverse("resend_invitation", args=[student.uuid]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))


def test_plain_request_after_the_session_expired_is_redirected_as_usual(client, student):
    response = client.post(reverse("resend_invitation", args=[student.uuid]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
