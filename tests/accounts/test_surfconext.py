"""SURFconext login through allauth's OpenID Connect provider, against a fake provider.

Every flow test runs the real thing: CoachMaster redirects to the fake authorize endpoint,
which sends the browser back with a code; the callback fetches discovery, token and userinfo
over HTTP from the fake provider on 127.0.0.1.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from coachmaster.accounts.models import SuggestedRole, User
from cohorts.surfconext import split_family_name, student_numbers, suggested_role
from tests.accounts.fake_oidc import (
    FakeOpenIDProvider,
    log_in_through,
    providers_setting,
    start_login,
)

pytestmark = pytest.mark.django_db

HOME_ORG = "example.nl"
LOGIN_URL = reverse("openid_connect_login", kwargs={"provider_id": "surfconext"})
CALLBACK_URL = reverse("openid_connect_callback", kwargs={"provider_id": "surfconext"})
CONNECTIONS_URL = reverse("socialaccount_connections")

NO_ACCOUNT = (
    "There is no CoachMaster account for you yet. Students get one when the programme "
    "administration enrols them; staff, host organisation contacts and external examiners are "
    "invited by the programme administration. Please ask them to register or invite you, then "
    "log in again."
)
STAFF_ACCOUNT = (
    "Your CoachMaster account has staff rights, so it is never connected to SURFconext "
    "automatically. Log in with your e-mail address and password, then connect SURFconext "
    "under My account, SURFconext. After that, SURFconext logs you in."
)
AMBIGUOUS = (
    "Your SURFconext details match more than one CoachMaster account, or an account that is "
    "already connected to another SURFconext login. Please contact the programme "
    "administration, who can sort this out."
)
LOGIN_FAILED = "Logging in through SURFconext did not work"
UNAVAILABLE = "SURFconext is not available"


def student_code(number: str, organisation: str = HOME_ORG) -> str:
    return f"urn:schac:personalUniqueCode:int:studentID:{organisation}:{number}"


def nl(msgid: str) -> str:
    with translation.override("nl"):
        return escape(gettext(msgid))


def logged_in_user(client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


@pytest.fixture(scope="session")
def fake_provider():
    provider = FakeOpenIDProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def surfconext(fake_provider, settings, monkeypatch):
    """SURFconext configured, pointing at the fake provider, with a clean slate."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fake_provider.reset()
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(
        fake_provider, settings.SURFCONEXT_APP_SETTINGS
    )
    settings.SURFCONEXT_HOME_ORGANIZATION = HOME_ORG
    return fake_provider


@pytest.fixture
def surfconext_off(settings):
    """What settings.py builds when SURFCONEXT_ISSUER is empty."""
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}


def claims(sub="sub-1", **extra):
    return {
        "sub": sub,
        "email": "a.berg@student.example.nl",
        "given_name": "Anna",
        "family_name": "van den Berg",
        "eduperson_affiliation": ["student", "member"],
        **extra,
    }


# --- configuration and the login page --------------------------------------------------


def test_login_page_hides_surfconext_when_not_configured(client, surfconext_off):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert LOGIN_URL not in response.content.decode()


def test_surfconext_login_url_is_404_when_not_configured(client, surfconext_off):
    assert client.get(LOGIN_URL).status_code == 404
    assert client.post(LOGIN_URL).status_code == 404
    assert client.get(CALLBACK_URL).status_code == 404


def test_settings_register_no_provider_without_an_issuer(settings):
    # The test environment sets no SURFCONEXT_ISSUER: the default keeps SURFconext off.
    assert settings.SURFCONEXT_ISSUER == ""
    assert settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] == []


def test_login_page_shows_surfconext_button_and_local_login(client, surfconext):
    response = client.get(reverse("account_login"), {"next": "/student/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{LOGIN_URL}?next=%2Fstudent%2F"' in html
    assert nl("Log in with SURFconext") in html
    assert 'name="password"' in html


def test_login_url_on_get_shows_a_confirmation_page_without_redirecting(client, surfconext):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert nl("You will be sent to SURFconext to log in with your institution account.") in (
        response.content.decode()
    )
    assert surfconext.authorize_requests == []


def test_login_uses_discovery_pkce_and_the_standard_scopes(client, surfconext, student):
    surfconext.claims = claims(email=student.email)
    log_in_through(client, surfconext)
    authorize = surfconext.authorize_requests[-1]
    assert authorize["client_id"] == surfconext.client_id
    assert authorize["response_type"] == "code"
    assert set(authorize["scope"].split()) == {"openid", "profile", "email"}
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["redirect_uri"] == f"http://testserver{CALLBACK_URL}"
    assert surfconext.token_requests[-1]["code_verifier"]


def test_local_login_still_works_with_surfconext_on(client, surfconext, student, password):
    response = client.post(
        reverse("account_login"), {"login": student.email, "password": password}
    )
    assert response.status_code == 302
    assert logged_in_user(client) == student


# --- linking ---------------------------------------------------------------------------


def test_student_is_linked_by_student_number_and_logged_in(client, surfconext, student):
    enrolment = student.enrolments.get()
    surfconext.claims = claims(
        schac_personal_unique_codes=[student_code(enrolment.student_number)]
    )
    response = log_in_through(client, surfconext)
    assert response.status_code == 302
    assert logged_in_user(client) == student
    account = SocialAccount.objects.get(provider="surfconext")
    assert (account.user, account.uid) == (student, "sub-1")
    student.refresh_from_db()
    assert student.suggested_role == SuggestedRole.STUDENT
    # The institution's address is added, verified; the login address stays as it was.
    assert student.email == "student@example.org"
    assert EmailAddress.objects.get(email="a.berg@student.example.nl").verified
    page = client.get(response.url, follow=True)
    assert nl("Your SURFconext login is now connected to your CoachMaster account.") in (
        page.content.decode()
    )


def test_known_sub_opens_its_account_whatever_the_claims_say(
    client, surfconext, student, student2
):
    SocialAccount.objects.create(user=student, provider="surfconext", uid="sub-1")
    surfconext.claims = claims(
        email=student2.email,
        schac_personal_unique_codes=[student_code(student2.enrolments.get().student_number)],
    )
    response = log_in_through(client, surfconext)
    assert response.status_code == 302
    assert logged_in_user(client) == student
    assert SocialAccount.objects.count() == 1


def test_known_sub_opens_a_staff_account_that_connected_itself(client, surfconext, lecturer):
    SocialAccount.objects.create(user=lecturer, provider="surfconext", uid="sub-1")
    surfconext.claims = claims(email=lecturer.email, eduperson_affiliation=["employee"])
    assert log_in_through(client, surfconext).status_code == 302
    assert logged_in_user(client) == lecturer


def test_new_student_without_an_account_is_refused_and_nothing_is_created(
    client, surfconext, cohort
):
    surfconext.claims = claims(schac_personal_unique_codes=[student_code("99999999")])
    users = User.objects.count()
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert nl(NO_ACCOUNT) in response.content.decode()
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None


def test_email_match_links_an_account_without_staff_roles(client, surfconext, outsider):
    surfconext.claims = claims(email=outsider.email.upper(), eduperson_affiliation=["affiliate"])
    response = log_in_through(client, surfconext)
    assert response.status_code == 302
    assert logged_in_user(client) == outsider
    assert SocialAccount.objects.get().user == outsider


def test_verified_secondary_address_links_a_student(client, surfconext, student):
    EmailAddress.objects.create(user=student, email="anna@uni.example.nl", verified=True)
    surfconext.claims = claims(email="anna@uni.example.nl")
    assert log_in_through(client, surfconext).status_code == 302
    assert logged_in_user(client) == student


def test_unverified_secondary_address_links_nobody(client, surfconext, student):
    EmailAddress.objects.create(user=student, email="anna@uni.example.nl", verified=False)
    surfconext.claims = claims(email="anna@uni.example.nl")
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert nl(NO_ACCOUNT) in response.content.decode()


@pytest.mark.parametrize("role", ["lecturer", "supervisor", "programme_admin"])
def test_staff_account_is_never_linked_automatically(client, surfconext, world, role):
    staff = world[role]
    surfconext.claims = claims(email=staff.email, eduperson_affiliation=["employee"])
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert nl(STAFF_ACCOUNT) in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None


def test_student_number_of_a_student_who_is_also_staff_is_not_linked(client, surfconext, student):
    student.is_lecturer = True
    student.save()
    number = student.enrolments.get().student_number
    surfconext.claims = claims(schac_personal_unique_codes=[student_code(number)])
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert nl(STAFF_ACCOUNT) in response.content.decode()


def test_student_number_and_email_of_different_accounts_is_refused(
    client, surfconext, student, student2
):
    number = student.enrolments.get().student_number
    surfconext.claims = claims(
        email=student2.email, schac_personal_unique_codes=[student_code(number)]
    )
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert nl(AMBIGUOUS) in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_account_connected_to_another_sub_is_not_linked_again(client, surfconext, student):
    SocialAccount.objects.create(user=student, provider="surfconext", uid="sub-old")
    surfconext.claims = claims(sub="sub-new", email=student.email)
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert nl(AMBIGUOUS) in response.content.decode()
    assert SocialAccount.objects.get().uid == "sub-old"


def test_student_number_from_another_organisation_links_nobody(client, surfconext, student):
    number = student.enrolments.get().student_number
    surfconext.claims = claims(
        schac_personal_unique_codes=[student_code(number, organisation="other.nl")]
    )
    response = log_in_through(client, surfconext)
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_student_numbers_are_ignored_without_a_home_organisation(
    client, surfconext, settings, student
):
    settings.SURFCONEXT_HOME_ORGANIZATION = ""
    number = student.enrolments.get().student_number
    surfconext.claims = claims(schac_personal_unique_codes=[student_code(number)])
    assert log_in_through(client, surfconext).status_code == 403


# --- rights and what the account gets ---------------------------------------------------


def test_affiliation_never_grants_staff_rights(client, surfconext, outsider):
    surfconext.claims = claims(
        email=outsider.email, eduperson_affiliation=["faculty", "employee", "staff"]
    )
    assert log_in_through(client, surfconext).status_code == 302
    outsider.refresh_from_db()
    assert outsider.suggested_role == SuggestedRole.STAFF
    assert outsider.roles == []
    assert not outsider.is_staff
    assert client.get(reverse("lecturer_dashboard")).status_code in (302, 403, 404)
    assert client.get(reverse("admin:index")).status_code == 302


def test_affiliation_student_does_not_make_an_outsider_a_student(client, surfconext, outsider):
    surfconext.claims = claims(email=outsider.email)
    log_in_through(client, surfconext)
    outsider.refresh_from_db()
    assert outsider.suggested_role == SuggestedRole.STUDENT
    assert not outsider.is_student


def test_suggestion_follows_the_latest_login(client, surfconext, outsider):
    SocialAccount.objects.create(user=outsider, provider="surfconext", uid="sub-1")
    outsider.suggested_role = SuggestedRole.STUDENT
    outsider.save()
    surfconext.claims = claims(eduperson_affiliation=["member"])
    log_in_through(client, surfconext)
    outsider.refresh_from_db()
    assert outsider.suggested_role == ""


def test_names_fill_empty_fields_and_split_the_dutch_prefix(client, surfconext, outsider):
    User.objects.filter(pk=outsider.pk).update(given_name="", family_name="")
    surfconext.claims = claims(email=outsider.email)
    log_in_through(client, surfconext)
    outsider.refresh_from_db()
    assert (outsider.given_name, outsider.name_prefix, outsider.family_name) == (
        "Anna",
        "van den",
        "Berg",
    )


def test_names_recorded_by_the_programme_are_kept(client, surfconext, student):
    given_name, family_name = student.given_name, student.family_name
    surfconext.claims = claims(email=student.email)
    log_in_through(client, surfconext)
    student.refresh_from_db()
    assert (student.given_name, student.family_name) == (given_name, family_name)


def test_suggested_role_is_shown_to_programme_administrators(client, programme_admin, student):
    student.suggested_role = SuggestedRole.STAFF
    student.save()
    client.force_login(programme_admin)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert changelist.status_code == 200
    assert nl("Staff member") in changelist.content.decode()
    change = client.get(reverse("admin:accounts_user_change", args=[student.pk]))
    assert capfirst(nl("role suggested by SURFconext")) in change.content.decode()


# --- disabled accounts -------------------------------------------------------------------


def test_disabled_account_with_known_sub_cannot_log_in(client, surfconext, student):
    SocialAccount.objects.create(user=student, provider="surfconext", uid="sub-1")
    User.objects.filter(pk=student.pk).update(is_active=False)
    surfconext.claims = claims()
    response = log_in_through(client, surfconext)
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert logged_in_user(client) is None


def test_disabled_account_is_not_linked(client, surfconext, student):
    User.objects.filter(pk=student.pk).update(is_active=False)
    surfconext.claims = claims(email=student.email)
    response = log_in_through(client, surfconext)
    assert response.url == reverse("account_inactive")
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None


# --- connecting from one's own session --------------------------------------------------


def test_staff_member_connects_surfconext_and_then_logs_in_with_it(
    client, surfconext, lecturer, password
):
    client.post(reverse("account_login"), {"login": lecturer.email, "password": password})
    assert client.get(CONNECTIONS_URL).status_code == 200
    surfconext.claims = claims(email=lecturer.email, eduperson_affiliation=["employee"])
    response = log_in_through(client, surfconext, process="connect")
    assert response.status_code == 302
    assert response.url == CONNECTIONS_URL
    assert SocialAccount.objects.get().user == lecturer
    lecturer.refresh_from_db()
    assert lecturer.suggested_role == SuggestedRole.STAFF
    assert lecturer.is_lecturer

    client.post(reverse("account_logout"))
    assert log_in_through(client, surfconext).status_code == 302
    assert logged_in_user(client) == lecturer


def test_identity_of_someone_else_cannot_be_connected(
    client, surfconext, student, student2, password
):
    SocialAccount.objects.create(user=student2, provider="surfconext", uid="sub-1")
    client.post(reverse("account_login"), {"login": student.email, "password": password})
    surfconext.claims = claims()
    log_in_through(client, surfconext, process="connect")
    assert SocialAccount.objects.get().user == student2
    assert logged_in_user(client) == student


def test_connections_page_lists_the_connected_login(
    client, surfconext, student, django_assert_max_num_queries
):
    client.force_login(student)
    with django_assert_max_num_queries(12):
        empty = client.get(CONNECTIONS_URL)
    assert nl("Connect SURFconext") in empty.content.decode()
    SocialAccount.objects.create(
        user=student, provider="surfconext", uid="sub-1", extra_data={"userinfo": claims()}
    )
    with django_assert_max_num_queries(12):
        connected = client.get(CONNECTIONS_URL)
    html = connected.content.decode()
    assert "a.berg@student.example.nl" in html
    assert nl("Disconnect") in html
    assert nl("Connect SURFconext") not in html


@pytest.mark.parametrize(
    "role", ["student", "lecturer", "supervisor", "programme_admin", "outsider"]
)
def test_connections_page_is_open_to_every_signed_in_role(client, surfconext, world, role):
    client.force_login(world[role])
    assert client.get(CONNECTIONS_URL).status_code == 200


def test_connections_page_sends_anonymous_visitors_to_login(client, surfconext):
    response = client.get(CONNECTIONS_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_connections_page_refuses_other_methods(client, student):
    client.force_login(student)
    # Django's FormView treats PUT as POST; anything else is refused.
    assert client.patch(CONNECTIONS_URL).status_code == 405
    assert client.delete(CONNECTIONS_URL).status_code == 405


def test_social_signup_page_sends_everyone_to_login(client, surfconext):
    response = client.get(reverse("socialaccount_signup"))
    assert response.status_code == 302
    assert response.url == reverse("account_login")


ROLES = [None, "student", "lecturer", "supervisor", "programme_admin", "outsider"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "method", "expected"),
    [
        (LOGIN_URL, "get", 200),
        (LOGIN_URL, "post", 302),
        (CALLBACK_URL, "get", 401),
        (reverse("socialaccount_login_cancelled"), "get", 200),
        (reverse("socialaccount_login_error"), "get", 401),
        (reverse("socialaccount_signup"), "get", 302),
    ],
)
def test_social_login_pages_answer_every_role_alike(
    client, surfconext, world, role, url, method, expected
):
    if role:
        client.force_login(world[role])
    assert getattr(client, method)(url).status_code == expected


# --- errors ------------------------------------------------------------------------------


def test_cancelled_login_ends_on_the_cancelled_page(client, surfconext):
    surfconext.authorize_error = "access_denied"
    response = log_in_through(client, surfconext)
    assert response.url == reverse("socialaccount_login_cancelled")
    page = client.get(response.url)
    assert page.status_code == 200
    assert nl("You cancelled logging in through SURFconext. Nothing has changed.") in (
        page.content.decode()
    )


def test_provider_error_ends_on_the_error_page(client, surfconext):
    surfconext.authorize_error = "temporarily_unavailable"
    response = log_in_through(client, surfconext)
    assert response.status_code == 401
    assert nl(LOGIN_FAILED) in response.content.decode()
    assert logged_in_user(client) is None


def test_bad_state_ends_on_the_error_page(client, surfconext, student):
    surfconext.claims = claims(email=student.email)
    authorized = start_login(client, surfconext)
    location = urlsplit(authorized.headers["Location"])
    code = parse_qs(location.query)["code"][0]
    response = client.get(CALLBACK_URL, {"code": code, "state": "forged-state"})
    assert response.status_code == 401
    assert nl(LOGIN_FAILED) in response.content.decode()
    assert logged_in_user(client) is None


def test_callback_without_a_login_in_progress_ends_on_the_error_page(client, surfconext):
    response = client.get(CALLBACK_URL, {"code": "x", "state": "y"})
    assert response.status_code == 401


def test_callback_in_english_for_an_english_visitor(client, surfconext, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(CALLBACK_URL, {"code": "x", "state": "y"})
    assert '<html lang="en">' in response.content.decode()
    assert LOGIN_FAILED in response.content.decode()


def test_token_endpoint_failure_ends_on_the_error_page(client, surfconext, student):
    surfconext.claims = claims(email=student.email)
    surfconext.failing = {"token"}
    response = log_in_through(client, surfconext)
    assert response.status_code == 401
    assert logged_in_user(client) is None


def test_userinfo_failure_ends_on_the_error_page(client, surfconext, student):
    surfconext.claims = claims(email=student.email)
    surfconext.failing = {"userinfo"}
    assert log_in_through(client, surfconext).status_code == 401
    assert logged_in_user(client) is None


def test_discovery_down_at_the_start_ends_on_the_unavailable_page(client, surfconext):
    surfconext.failing = {"discovery"}
    response = client.post(LOGIN_URL)
    assert response.status_code == 503
    assert nl(UNAVAILABLE) in response.content.decode()


def test_discovery_down_at_the_callback_ends_on_the_unavailable_page(client, surfconext, student):
    surfconext.claims = claims(email=student.email)
    authorized = start_login(client, surfconext)
    surfconext.failing = {"discovery"}
    response = client.get(authorized.headers["Location"])
    assert response.status_code == 503
    assert nl(UNAVAILABLE) in response.content.decode()
    assert logged_in_user(client) is None


def test_provider_gone_ends_on_the_unavailable_page(client, settings, monkeypatch):
    gone = FakeOpenIDProvider().start()
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(gone, settings.SURFCONEXT_APP_SETTINGS)
    gone.stop()
    assert client.post(LOGIN_URL).status_code == 503


def test_userinfo_about_another_subject_is_refused(client, surfconext, student):
    surfconext.claims = claims(email=student.email)
    surfconext.userinfo_claims = claims(sub="someone-else", email=student.email)
    response = log_in_through(client, surfconext)
    assert response.status_code == 401
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None


# --- claim parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([student_code("12345678")], {"12345678"}),
        (student_code("0012345"), {"0012345"}),
        (["URN:SCHAC:personalUniqueCode:INT:studentID:Example.NL:123456"], {"123456"}),
        ([student_code("12345678", "other.nl")], set()),
        ([student_code("12345678", "sub.example.nl")], set()),
        (["urn:schac:personalUniqueCode:int:esi:example.nl:12345678"], set()),
        (["urn:schac:personalUniqueCode:nl:local:example.nl:studentid:12345678"], set()),
        ([student_code("12ab5678")], set()),
        ([student_code("123")], set()),
        ([student_code("12345678\n")], set()),
        ([student_code("")], set()),
        (["urn:schac:personalUniqueCode:int:studentID:12345678"], set()),
        (["not a urn", 42, None], set()),
        (None, set()),
        ({"code": student_code("12345678")}, set()),
        ([student_code("12345678", "other.nl"), student_code("87654321")], {"87654321"}),
    ],
)
def test_student_numbers_read_only_our_own_well_formed_codes(codes, expected):
    assert student_numbers(codes, home_organization=HOME_ORG) == expected


def test_student_numbers_follow_the_configured_pattern(settings):
    settings.STUDENT_NUMBER_PATTERN = r"^s[0-9]{7}$"
    codes = [student_code("s1234567"), student_code("12345678")]
    assert student_numbers(codes, home_organization=HOME_ORG) == {"s1234567"}


@pytest.mark.parametrize(
    ("affiliations", "expected"),
    [
        (["student", "member"], SuggestedRole.STUDENT),
        ("student", SuggestedRole.STUDENT),
        (["employee", "student"], SuggestedRole.STUDENT),
        (["faculty"], SuggestedRole.STAFF),
        (["Employee", "member"], SuggestedRole.STAFF),
        (["staff"], SuggestedRole.STAFF),
        (["member", "affiliate"], ""),
        ([], ""),
        (None, ""),
    ],
)
def test_affiliation_suggests_a_role(affiliations, expected):
    assert suggested_role(affiliations) == expected


@pytest.mark.parametrize(
    ("family_name", "expected"),
    [
        ("van den Berg", ("van den", "Berg")),
        ("de Vries", ("de", "Vries")),
        ("in 't Veld", ("in 't", "Veld")),
        ("De Vries", ("", "De Vries")),
        ("Jansen", ("", "Jansen")),
        ("van", ("", "van")),
        ("van der Berg-de Wit", ("van der", "Berg-de Wit")),
    ],
)
def test_dutch_name_prefix_is_split_off(family_name, expected):
    assert split_family_name(family_name) == expected
