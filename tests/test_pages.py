"""Error pages, the health check and the static front end."""

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_404_page_is_ours_in_dutch_and_english(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_403_page_is_ours(client, student):
    client.force_login(student)
    response = client.get(reverse("admin_dashboard"))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_500_page_renders_without_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Er is iets misgegaan" in response.content.decode()


def test_server_error_shows_our_page(db):
    client = Client(raise_request_exception=False)
    from unittest import mock

    with mock.patch("coachmaster.views.redirect", side_effect=RuntimeError("boom")):
        from tests.factories import StudentFactory

        client.force_login(StudentFactory())
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Er is iets misgegaan" in response.content.decode()


def test_health_check_answers_json(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.post(reverse("health")).status_code == 405


def test_session_health_needs_a_signed_in_user_and_costs_only_the_session(
    client, student, django_assert_num_queries
):
    url = reverse("session_health")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(student)
    client.get(url)  # the first request after logging in may record the session's device
    with django_assert_num_queries(2):  # the session and the user: the benchmark's web floor
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "authenticated": True}
    assert "no-cache" in response["Cache-Control"]


def test_front_end_is_served_from_our_own_static_files(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "/static/django_htmx/htmx" in html
    assert "/static/vendor/pico-2.1.1/pico.min.css" in html
    for external in ("https://", "http://", "//unpkg", "//cdn"):
        assert f'src="{external}' not in html
        assert f'href="{external}' not in html
    assert finders.find("vendor/pico-2.1.1/pico.min.css")
    assert finders.find("vendor/pico-2.1.1/LICENSE.md")
    assert finders.find("django_htmx/htmx-2.min.js")


def test_csrf_token_travels_in_hx_headers(client, student):
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_pages_have_skip_link_and_landmarks(client, student):
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html


def test_favicon_is_served_without_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("favicon.svg")
