"""SURFconext login: which CoachMaster account a SURFconext identity opens, and what it fills in.

SURFconext is allauth's OpenID Connect provider with provider id ``surfconext`` (settings:
``SURFCONEXT_*``). This module lives in ``cohorts`` because the strongest link between a
SURFconext identity and an account is the student number on an enrolment; ``accounts`` stays
unaware of cohorts (STYLE.md: accounts ← curriculum ← cohorts).

Linking rules, in order:

1. Known identity. The persistent ``sub`` is the key (``SocialAccount.uid``): a ``sub`` seen
   before opens the account it is connected to, whatever the e-mail or student number say now.
2. Unknown identity, one unambiguous and safe match: connected automatically, then logged in.
   - Student number: a ``schac_personal_unique_codes`` value
     ``urn:schac:personalUniqueCode:int:studentID:<organisation>:<number>`` whose organisation
     is ``SURFCONEXT_HOME_ORGANIZATION`` and whose number matches ``STUDENT_NUMBER_PATTERN``
     points to the student of the enrolment with that number. Codes of other organisations and
     malformed codes are ignored.
   - E-mail: the SURFconext address (treated as verified by the institution) equals an
     account's login address or one of its verified addresses.
   When both are present they must point to the same account.
3. Never automatically: an account with a staff role (lecturer, thesis supervisor, programme
   administrator, superuser). Staff log in with password and second factor and connect
   SURFconext themselves on the account connections page. Nor an account already connected
   to a different SURFconext identity, nor when the matches disagree or point to several
   accounts: the person is asked to contact the programme administration.
4. No match: refused with a page saying the programme administration must register or invite
   them first. No account is ever created through SURFconext: SURFconext admits everyone at
   every Dutch institution, while CoachMaster accounts exist for the programme's own students
   (created by enrolment import) and invited staff and external people.
5. Disabled accounts: refused like a disabled account's password login, and never connected.

On every successful login or connection the account gets the institution's view of the person:
empty names are filled (a Dutch name prefix such as "van der" is split off the family name),
the SURFconext e-mail address is added as a verified address when nobody uses it yet, and
``eduperson_affiliation`` sets ``User.suggested_role``: a hint for the programme
administration, shown in the admin, that never grants a role by itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import requests
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from coachmaster.accounts.mfa import is_staff_member
from coachmaster.accounts.models import SuggestedRole, User

logger = logging.getLogger(__name__)

PROVIDER_ID = "surfconext"
STUDENT_ID_URN = "urn:schac:personaluniquecode:int:studentid:"
STAFF_AFFILIATIONS = frozenset({"employee", "faculty", "staff"})
# Lower-case words that open a Dutch (or Flemish, French, German) surname: "van der Berg".
NAME_PREFIX_WORDS = frozenset(
    {
        "'s", "'t", "aan", "al", "bij", "d'", "da", "de", "den", "der", "des", "di", "do",
        "dos", "du", "el", "het", "in", "la", "le", "les", "onder", "op", "over", "te",
        "ten", "ter", "uit", "van", "ver", "von", "voor", "zu",
    }
)  # fmt: skip


class Refusal:
    """Why a SURFconext identity opens no account; the template words each one."""

    NO_ACCOUNT = "no_account"
    STAFF_ACCOUNT = "staff_account"
    AMBIGUOUS = "ambiguous"


# --- Claims ------------------------------------------------------------------------------


def _as_list(value) -> list[str]:
    """Multi-valued claims arrive as a list, or as one string when there is one value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def student_numbers(codes, *, home_organization: str) -> set[str]:
    """The student numbers our own institution issued, from ``schac_personal_unique_codes``."""
    if not home_organization:
        return set()
    pattern = re.compile(settings.STUDENT_NUMBER_PATTERN)
    numbers = set()
    for code in _as_list(codes):
        # URN namespace and prefix are case-insensitive; the number itself is kept as sent.
        if not code.lower().startswith(STUDENT_ID_URN):
            continue
        organisation, separator, number = code[len(STUDENT_ID_URN) :].rpartition(":")
        ours = separator and organisation.lower() == home_organization.lower()
        if ours and pattern.fullmatch(number):
            numbers.add(number)
    return numbers


def suggested_role(affiliations) -> str:
    """The role ``eduperson_affiliation`` suggests: student first, as students may work too."""
    values = {value.strip().lower() for value in _as_list(affiliations)}
    if "student" in values:
        return SuggestedRole.STUDENT
    if values & STAFF_AFFILIATIONS:
        return SuggestedRole.STAFF
    return ""


def split_family_name(family_name: str) -> tuple[str, str]:
    """("van der", "Berg") from "van der Berg"; capitalised words stay part of the name."""
    words = family_name.split()
    count = 0
    while count < len(words) - 1 and words[count] in NAME_PREFIX_WORDS:
        count += 1
    return " ".join(words[:count]), " ".join(words[count:])


def claims_of(sociallogin: SocialLogin) -> dict:
    """The ID token's claims overlaid with userinfo's, which SURFconext fills most."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _valid_email(value) -> str:
    if not isinstance(value, str):
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value.strip().lower()


# --- Finding the account -----------------------------------------------------------------


def _users_with_student_number(numbers: Iterable[str]) -> list[User]:
    if not numbers:
        return []
    return list(User.objects.filter(enrolments__student_number__in=list(numbers)).distinct())


def _users_with_email(email: str) -> list[User]:
    if not email:
        return []
    return list(
        User.objects.filter(
            Q(email__iexact=email)
            | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
        ).distinct()
    )


def account_to_link(claims: dict) -> User | str:
    """The one account an unknown SURFconext identity may be connected to, or a ``Refusal``.

    Disabled accounts are returned too: the caller refuses them as a disabled login.
    """
    numbers = student_numbers(
        claims.get("schac_personal_unique_codes"),
        home_organization=settings.SURFCONEXT_HOME_ORGANIZATION,
    )
    by_number = _users_with_student_number(numbers)
    by_email = _users_with_email(_valid_email(claims.get("email")))
    candidates = {user.pk: user for user in [*by_number, *by_email]}
    if not candidates:
        return Refusal.NO_ACCOUNT
    if len(candidates) > 1:
        return Refusal.AMBIGUOUS
    (user,) = candidates.values()
    if not user.is_active:
        return user
    if is_staff_member(user):
        return Refusal.STAFF_ACCOUNT
    if SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).exists():
        # Connected to another SURFconext identity: the sub is persistent, so this is
        # someone else, or something only the programme administration can sort out.
        return Refusal.AMBIGUOUS
    return user


# --- Filling the account -----------------------------------------------------------------


def record_claims(*, user: User, claims: dict) -> None:
    """Fill empty names, add the institution's address, store the suggested role."""
    changed = []
    suggestion = suggested_role(claims.get("eduperson_affiliation"))
    if user.suggested_role != suggestion:
        user.suggested_role = suggestion
        changed.append("suggested_role")
    given_name = claims.get("given_name")
    if not user.given_name and isinstance(given_name, str) and given_name.strip():
        user.given_name = given_name.strip()[:150]
        changed.append("given_name")
    family_name = claims.get("family_name")
    if not user.family_name and isinstance(family_name, str) and family_name.strip():
        prefix, family_name = split_family_name(family_name)
        user.family_name = family_name[:150]
        changed.append("family_name")
        if prefix and not user.name_prefix:
            user.name_prefix = prefix[:30]
            changed.append("name_prefix")
    if changed:
        user.save(update_fields=changed)
    email = _valid_email(claims.get("email"))
    if (
        email
        and not EmailAddress.objects.filter(email__iexact=email).exists()
        and not User.objects.filter(email__iexact=email).exists()
    ):
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=False)


# --- allauth -----------------------------------------------------------------------------


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Applies the linking rules above; SURFconext never signs anybody up."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.account.provider != PROVIDER_ID:
            return
        _check_consistency(request, sociallogin)
        claims = claims_of(sociallogin)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # From the person's own session: allauth refuses an identity that belongs to
            # someone else; anything else is theirs to connect, staff included.
            if request.user.is_authenticated and (
                not sociallogin.is_existing or sociallogin.user == request.user
            ):
                record_claims(user=request.user, claims=claims)
            return
        if sociallogin.is_existing:
            if sociallogin.user.is_active:
                record_claims(user=sociallogin.user, claims=claims)
            return
        found = account_to_link(claims)
        if isinstance(found, str):
            logger.info("SURFconext login refused: %s", found)
            raise ImmediateHttpResponse(refusal_response(request, found))
        if not found.is_active:
            logger.info("SURFconext login refused: account %s is disabled", found.uuid)
            raise ImmediateHttpResponse(
                get_account_adapter(request).respond_user_inactive(request, found)
            )
        with transaction.atomic():
            sociallogin.connect(request, found)
            record_claims(user=found, claims=claims)
        logger.info("SURFconext identity connected to account %s", found.uuid)
        messages.info(
            request, _("Your SURFconext login is now connected to your CoachMaster account.")
        )


def _check_consistency(request: HttpRequest, sociallogin: SocialLogin) -> None:
    """OpenID Connect Core 5.3.2 and 3.1.3.7: userinfo must be about the ID token's subject,
    and the token must come from the configured issuer; allauth checks neither."""
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") or {}
    userinfo = data.get("userinfo") or {}
    configured = sociallogin.provider.app.settings.get("server_url", "")
    configured = configured.split("/.well-known/")[0].rstrip("/")
    problem = ""
    if id_token and userinfo and id_token.get("sub") != userinfo.get("sub"):
        problem = "userinfo is about another subject than the ID token"
    elif id_token and str(id_token.get("iss", "")).rstrip("/") != configured:
        problem = "the ID token comes from another issuer"
    if problem:
        logger.warning("SURFconext login refused: %s", problem)
        raise ImmediateHttpResponse(
            render_authentication_error(
                request, sociallogin.provider, exception=OAuth2Error(problem)
            )
        )


def refusal_response(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "socialaccount/surfconext_refused.html", {"reason": reason}, status=403)


class ProviderErrorMiddleware:
    """SURFconext unreachable or talking nonsense: a clear page, not a server error.

    allauth turns most provider failures into its error page, but not a failing discovery
    document (fetched outside its error handling when a login starts or returns).
    """

    VIEWS = frozenset({"openid_connect_login", "openid_connect_callback"})
    PROVIDER_ERRORS = (requests.RequestException, OAuth2Error, KeyError, ValueError)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if match is None or match.url_name not in self.VIEWS:
            return None
        if not isinstance(exception, self.PROVIDER_ERRORS):
            return None
        logger.warning(
            "OpenID provider %s could not be used: %r", match.kwargs.get("provider_id"), exception
        )
        return render(
            request,
            "socialaccount/authentication_error.html",
            {"provider_unavailable": True},
            status=503,
        )
