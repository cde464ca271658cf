"""Two-factor authentication: required for staff, optional for students, styled pages."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import Client
from django.urls import ResolverMatch, reverse
from django.utils.translation import gettext

from coachmaster.accounts.middleware import MFA_NOTICE_SESSION_KEY, StaffMFARequiredMiddleware
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MFA_REQUIRED_MESSAGE = (
    "Your role gives you access to other people's personal data, so your account needs "
    "two-factor authentication. Set up an authenticator app or a security key to continue."
)
# The notice on the MFA page itself, shown every time until MFA is set up.
MFA_REQUIRED_NOTICE = "Your account needs a second step"


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_superuser=True)


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def activate_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def login(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before anything about MFA changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302


def as_english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


# --- Staff are sent to set MFA up -------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "url_name"),
    [
        ("lecturer", "lecturer_dashboard"),
        ("supervisor", "supervisor_dashboard"),
        ("programme_admin", "admin_dashboard"),
        ("programme_admin", "admin:index"),
        ("lecturer", "cohorts:cohorts"),
        ("lecturer", "usersessions_list"),
        ("lecturer", "preferences"),
        ("lecturer", "home"),
    ],
)
def test_staff_without_mfa_are_sent_to_set_it_up(client, world, mfa_required, person, url_name):
    client.force_login(world[person])
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")


def test_superuser_without_mfa_is_sent_to_set_it_up(client, superuser, mfa_required):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")


def test_staff_without_mfa_see_why_once_and_the_notice_on_every_visit(
    client, lecturer, mfa_required
):
    as_english(lecturer)
    client.force_login(lecturer)
    client.get(reverse("lecturer_dashboard"))
    client.get(reverse("cohorts:cohorts"))
    response = client.get(reverse("mfa_index"))
    html = response.content.decode()
    assert html.count(gettext(MFA_REQUIRED_MESSAGE).replace("'", "&#x27;")) == 1
    assert gettext(MFA_REQUIRED_NOTICE) in html
    assert client.session[MFA_NOTICE_SESSION_KEY] is True
    # Later visits still explain it on the page, without piling up messages.
    html = client.get(reverse("mfa_index")).content.decode()
    assert gettext(MFA_REQUIRED_NOTICE) in html
    assert gettext(MFA_REQUIRED_MESSAGE).replace("'", "&#x27;") not in html


def test_htmx_request_of_staff_without_mfa_gets_a_client_redirect(client, lecturer, mfa_required):
    client.force_login(lecturer)
    response = client.get(reverse("cohorts:cohorts"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_index")


def test_post_of_staff_without_mfa_is_refused_and_writes_nothing(client, lecturer, mfa_required):
    client.force_login(lecturer)
    response = client.post(reverse("preferences"), {"preferred_language": "en"})
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    lecturer.refresh_from_db()
    assert lecturer.preferred_language == "nl"


def test_htmx_post_of_staff_without_mfa_is_refused(client, lecturer, mfa_required):
    client.force_login(lecturer)
    response = client.post(
        reverse("preferences"), {"preferred_language": "en"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == reverse("mfa_index")
    lecturer.refresh_from_db()
    assert lecturer.preferred_language == "nl"


def test_staff_without_mfa_are_asked_for_their_password_before_setting_up(
    client, lecturer, mfa_required
):
    login(client, lecturer)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["mfa_index", "mfa_activate_totp", "mfa_add_webauthn", "mfa_list_webauthn", "health"],
)
def test_staff_without_mfa_reach_the_setup_pages_and_health(
    client, lecturer, mfa_required, url_name
):
    login(client, lecturer)
    reauthenticate(client)
    assert client.get(reverse(url_name)).status_code == 200


def test_staff_without_mfa_can_switch_language_and_log_out(client, lecturer, mfa_required):
    client.force_login(lecturer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.url != reverse("mfa_index")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("lecturer_dashboard")).url.startswith(reverse("account_login"))


def test_public_pages_and_the_favicon_stay_open(client, lecturer, mfa_required):
    client.force_login(lecturer)
    assert client.get(reverse("account_reset_password")).status_code == 200
    assert client.get("/favicon.ico").get("Location") != reverse("mfa_index")


def test_views_marked_login_not_required_stay_open(rf, lecturer, mfa_required):
    """Public pages (privacy statement, accessibility statement) carry Django's marker."""

    @login_not_required
    def public_page(request):
        return HttpResponse("public")

    def private_page(request):
        return HttpResponse("private")

    middleware = StaffMFARequiredMiddleware(lambda request: HttpResponse())
    for view, expected in ((public_page, None), (private_page, 302)):
        request = rf.get("/some/page/")
        request.user = lecturer
        request.session = {}
        request.resolver_match = ResolverMatch(view, (), {}, url_name="page")
        request._messages = FallbackStorage(request)
        response = middleware.process_view(request, view, (), {})
        assert getattr(response, "status_code", None) == expected


def test_staff_who_activate_totp_get_through(client, lecturer, mfa_required):
    as_english(lecturer)
    login(client, lecturer)
    assert client.get(reverse("lecturer_dashboard")).url == reverse("mfa_index")
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html
    assert "style=" not in html
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in html
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    # Recovery codes are made alongside, and shown in our layout.
    response = client.get(response.url)
    assert response.status_code == 200
    assert "CoachMaster" in response.content.decode()
    assert client.get(reverse("lecturer_dashboard")).status_code == 200
    assert Authenticator.objects.filter(user=lecturer, type=Authenticator.Type.TOTP).exists()


def test_wrong_code_does_not_activate_totp(client, lecturer, mfa_required):
    as_english(lecturer)
    login(client, lecturer)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert gettext("Incorrect code.") in response.content.decode()
    assert not Authenticator.objects.filter(user=lecturer).exists()
    assert client.get(reverse("lecturer_dashboard")).status_code == 302


def test_recovery_codes_alone_do_not_count_for_staff(client, lecturer, mfa_required):
    RecoveryCodes.activate(lecturer)
    client.force_login(lecturer)
    assert client.get(reverse("lecturer_dashboard")).url == reverse("mfa_index")


def test_security_key_counts_for_staff(client, lecturer, mfa_required):
    Authenticator.objects.create(user=lecturer, type=Authenticator.Type.WEBAUTHN, data={})
    client.force_login(lecturer)
    assert client.get(reverse("lecturer_dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("person", "url_name"),
    [
        ("lecturer", "lecturer_dashboard"),
        ("supervisor", "supervisor_dashboard"),
        ("programme_admin", "admin_dashboard"),
    ],
)
def test_staff_with_totp_are_not_redirected(client, world, mfa_required, person, url_name):
    activate_totp(world[person])
    client.force_login(world[person])
    assert client.get(reverse(url_name)).status_code == 200


def test_nobody_is_forced_when_the_setting_is_off(client, lecturer, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(lecturer)
    assert client.get(reverse("lecturer_dashboard")).status_code == 200


@pytest.mark.parametrize("person", ["student", "outsider"])
def test_students_and_people_without_a_role_are_not_forced(client, world, mfa_required, person):
    client.force_login(world[person])
    response = client.get(reverse("home"))
    assert response.get("Location") != reverse("mfa_index")
    assert client.get(reverse("preferences")).status_code == 200


def test_student_can_set_up_mfa_from_my_account(client, student, mfa_required):
    as_english(student)
    login(client, student)
    html = client.get(reverse("preferences")).content.decode()
    assert reverse("mfa_index") in html
    assert reverse("usersessions_list") in html
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert gettext(MFA_REQUIRED_NOTICE) not in response.content.decode()
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=student, type=Authenticator.Type.TOTP).exists()


def test_anonymous_visitors_of_mfa_pages_go_to_login(client):
    for url_name in ("mfa_index", "mfa_activate_totp", "mfa_view_recovery_codes"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# --- Logging in with a second factor ---------------------------------------------------------


def test_login_with_totp_asks_for_the_code(client, lecturer, mfa_required):
    as_english(lecturer)
    secret = activate_totp(lecturer)
    response = login(client, lecturer)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # Not logged in yet.
    assert client.get(reverse("lecturer_dashboard")).url.startswith(reverse("account_login"))
    response = client.get(reverse("mfa_authenticate"))
    html = response.content.decode()
    assert response.status_code == 200
    assert gettext("Two-factor authentication") in html
    assert "<script>" not in html and "style=" not in html
    # Without a security key there is no point offering one.
    assert 'id="mfa_webauthn_authenticate"' not in html
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("lecturer_dashboard")).status_code == 200


def test_wrong_code_at_login_is_refused_with_a_message(client, lecturer, mfa_required):
    as_english(lecturer)
    activate_totp(lecturer)
    login(client, lecturer)
    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert response.status_code == 200
    assert gettext("Incorrect code.") in response.content.decode()
    assert client.get(reverse("lecturer_dashboard")).url.startswith(reverse("account_login"))


def test_recovery_code_works_once(client, lecturer, mfa_required):
    as_english(lecturer)
    activate_totp(lecturer)
    code = RecoveryCodes.activate(lecturer).get_unused_codes()[0]
    login(client, lecturer)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("lecturer_dashboard")).status_code == 200
    client.post(reverse("account_logout"))

    other = Client()
    login(other, lecturer)
    response = other.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert gettext("Incorrect code.") in response.content.decode()
    assert other.get(reverse("lecturer_dashboard")).status_code == 302


# --- The management pages ----------------------------------------------------------------------


def test_mfa_index_shows_the_state_of_each_method(client, student):
    as_english(student)
    activate_totp(student)
    RecoveryCodes.activate(student)
    client.force_login(student)
    html = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_deactivate_totp") in html
    assert reverse("mfa_add_webauthn") in html
    assert reverse("mfa_view_recovery_codes") in html
    assert reverse("mfa_download_recovery_codes") in html
    assert html.count("<h1") == 1


def test_recovery_codes_can_be_viewed_downloaded_and_regenerated(client, student):
    activate_totp(student)
    codes = RecoveryCodes.activate(student).get_unused_codes()
    client.force_login(student)
    reauthenticate(client)
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert all(code in html for code in codes)
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert codes[0] in response.content.decode()
    assert client.get(reverse("mfa_generate_recovery_codes")).status_code == 200
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    new_codes = (
        Authenticator.objects.get(user=student, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    assert set(new_codes).isdisjoint(codes)


def test_webauthn_pages_load_allauth_scripts_as_static_files(client, student):
    login(client, student)
    reauthenticate(client)
    html = client.get(reverse("mfa_add_webauthn")).content.decode()
    assert 'src="/static/mfa/js/webauthn.js"' in html
    assert 'type="application/json"' in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html
    Authenticator.objects.create(
        user=student, type=Authenticator.Type.WEBAUTHN, data={"name": "YubiKey"}
    )
    html = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "YubiKey" in html
    assert "<caption" in html


def test_staff_who_remove_their_only_method_are_sent_back_to_setup(client, lecturer, mfa_required):
    activate_totp(lecturer)
    client.force_login(lecturer)
    assert client.get(reverse("lecturer_dashboard")).status_code == 200
    Authenticator.objects.filter(user=lecturer).delete()
    assert client.get(reverse("lecturer_dashboard")).url == reverse("mfa_index")


def test_totp_secret_is_stored_encrypted_and_still_verifies(lecturer):
    secret = activate_totp(lecturer)
    stored = Authenticator.objects.get(user=lecturer, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    assert TOTP(stored).validate_code(current_code(secret))


@pytest.mark.django_db(transaction=True)
def test_activating_a_second_factor_is_announced_by_email(client, lecturer, mailoutbox):
    login(client, lecturer)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    mailoutbox.clear()
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert [message.to for message in mailoutbox] == [[lecturer.email]]
