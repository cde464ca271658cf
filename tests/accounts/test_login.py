import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_is_dutch_by_default_and_has_no_sign_up(client):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Inloggen bij CoachMaster" in html
    assert reverse("account_login") in html
    assert "/accounts/signup/" not in html


def test_browser_language_does_not_override_dutch_default(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl">' in response.content.decode()


def test_login_with_email_sends_student_to_their_dashboard(client, student):
    response = login(client, student.email)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("student_dashboard")


def test_login_is_case_insensitive_on_email(client, student):
    response = login(client, student.email.upper())
    assert response.status_code == 302
    assert client.get(reverse("student_dashboard")).status_code == 200


def test_wrong_password_shows_a_dutch_error_and_does_not_log_in(client, student):
    response = login(client, student.email, "not-the-password")
    assert response.status_code == 200
    assert "niet correct" in response.content.decode()
    assert client.get(reverse("student_dashboard")).status_code == 302


def test_inactive_account_cannot_log_in(client, student):
    student.is_active = False
    student.save()
    response = login(client, student.email)
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert client.get(reverse("student_dashboard")).status_code == 302


def test_logout_requires_post_and_ends_the_session(client, student):
    client.force_login(student)
    response = client.get(reverse("account_logout"))
    # GET shows a confirmation page and does not log out.
    assert response.status_code == 200
    assert client.get(reverse("student_dashboard")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("student_dashboard")).status_code == 302


def test_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "x-long-password-1",
            "password2": "x-long-password-1",
        },
    )
    assert response.status_code == 200
    assert "gesloten" in response.content.decode().lower()
    from coachmaster.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_password_reset_mails_a_working_link(client, student, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": student.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [student.email]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    new_password = "a-brand-new-secret-phrase"
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password(new_password)


def test_password_reset_for_unknown_address_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    # allauth's enumeration prevention mails the address that no account exists, not the page.
    assert all("nobody@example.org" in m.to for m in mail.outbox)


def test_email_change_requires_verification(client, student, mailoutbox):
    client.force_login(student)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "sanne.new@example.org"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    # The login address stays the old one until the new one is verified.
    assert student.email == "student@example.org"
    assert any("sanne.new@example.org" in m.to for m in mailoutbox)


def test_failed_logins_are_rate_limited(client):
    victim = StudentFactory(email="victim@example.org")
    for _ in range(5):
        login(client, victim.email, "wrong-password")
    response = login(client, victim.email)
    # Even the right password is refused while the limit holds, with a message in Dutch.
    assert response.status_code == 200
    assert "Te veel inlogpogingen" in response.content.decode()
    assert client.get(reverse("student_dashboard")).status_code == 302


@pytest.mark.services
def test_failed_login_limit_is_shared_through_redis(client, settings):
    """Two web processes share the limit: the counter lives in Redis, not in process memory."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    victim = StudentFactory(email="victim@example.org")
    for _ in range(5):
        login(client, victim.email, "wrong-password")
    keys = cache._cache.get_client().keys("*")
    assert keys, "the failed attempts must be counted in Redis"
    login(client, victim.email)
    assert client.get(reverse("student_dashboard")).status_code == 302


def test_first_message_after_login_is_in_the_persons_language(client):
    person = StudentFactory(preferred_language="en")
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Successfully signed in" in html


def test_login_page_offers_one_reset_link_and_a_labelled_remember_box(client):
    html = client.get(reverse("account_login")).content.decode()
    assert html.count(reverse("account_reset_password")) == 1
    assert '<label for="id_remember"><input type="checkbox" name="remember"' in html


def test_logins_and_failed_attempts_are_logged_without_secrets(client, student, password, caplog):
    caplog.set_level(logging.INFO, logger="coachmaster.security")
    client.post(reverse("account_login"), {"login": student.email, "password": "wrong-guess"})
    client.post(reverse("account_login"), {"login": student.email, "password": password})
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("login failed account=") for line in lines)
    assert any(line.startswith(f"login user={student.uuid}") for line in lines)
    assert not any("wrong-guess" in line or student.email in line for line in lines)
