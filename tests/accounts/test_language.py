import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_switch_sets_a_cookie_and_returns(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in to CoachMaster" in html


def test_logged_in_switch_is_saved_on_the_account(client, student):
    client.force_login(student)
    client.post(reverse("set_language"), {"language": "en", "next": "/student/"})
    student.refresh_from_db()
    assert student.preferred_language == "en"
    client.cookies.clear()
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    assert '<html lang="en">' in html
    assert "Your enrolment" in html


def test_saved_preference_wins_over_a_stale_cookie(client, student):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(student)  # prefers Dutch
    html = client.get(reverse("student_dashboard")).content.decode()
    assert '<html lang="nl">' in html
    assert "Je inschrijving" in html


def test_switch_refuses_foreign_redirects_and_unknown_languages(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"
    assert client.post(reverse("set_language"), {"language": "fr"}).status_code == 400
    assert client.get(reverse("set_language")).status_code == 405


def test_preferences_page_saves_language(client, student):
    client.force_login(student)
    assert client.get(reverse("preferences")).status_code == 200
    response = client.post(reverse("preferences"), {"preferred_language": "en"}, follow=True)
    student.refresh_from_db()
    assert student.preferred_language == "en"
    assert "Your preferences have been saved." in response.content.decode()


def test_preferences_rejects_unknown_language_without_saving(client, student):
    client.force_login(student)
    response = client.post(reverse("preferences"), {"preferred_language": "xx"})
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.preferred_language == "nl"


def test_preferences_requires_login(client):
    response = client.get(reverse("preferences"))
    assert response.status_code == 302


def test_dates_are_shown_in_dutch_for_dutch_users(client, student, cohort):
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    assert f"{cohort.start_date.day} september {cohort.start_date.year}" in html
