from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

from .mfa import has_strong_authenticator, is_staff_member

SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def language_for(request) -> str:
    """Dutch unless the person chose otherwise: their saved preference, else the language cookie.

    The browser's Accept-Language is deliberately ignored: the programme is Dutch and its
    platform speaks Dutch until someone asks for English.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferred_language:
        language = user.preferred_language
    else:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language if language in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired goes to the login page as a whole page.

    Without this, htmx would follow the redirect and swap the login form into a table row.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response.url.startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response.url)
        return response


# Unix timestamps (floats, so the session stays JSON) of the login and of the last request seen.
LOGIN_AT_SESSION_KEY = "coachmaster_login_at"
SEEN_AT_SESSION_KEY = "coachmaster_seen_at"
# The last-activity stamp is written at most this often, so a busy session is not saved on
# every request; the idle timeout is therefore exact to within this many seconds.
ACTIVITY_STAMP_INTERVAL = 60


def record_login_time(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a session's absolute lifetime counts from its login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = timezone.now().timestamp()
        session[LOGIN_AT_SESSION_KEY] = now
        session[SEEN_AT_SESSION_KEY] = now


def session_end_reason(session, now: float) -> str | None:
    """Why the session must end now ("absolute" or "idle"), or None while it may go on."""
    login_at = session.get(LOGIN_AT_SESSION_KEY)
    if login_at is None:
        return None
    if now - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
        return "absolute"
    if now - session.get(SEEN_AT_SESSION_KEY, login_at) > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def _return_path(request: HttpRequest) -> str | None:
    """Where to go after logging in again: the page the person was on, if it can be reopened."""
    if getattr(request, "htmx", False):
        return request.htmx.current_url_abs_path
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return None


class SessionLifetimeMiddleware:
    """Ends a session that has been idle too long or has reached its absolute lifetime.

    The person lands on the login page with a message and, after logging in, returns to where
    they were. Sessions that predate this middleware are stamped the first time it sees them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            reason = session_end_reason(request.session, now)
            if reason is not None:
                return self.end_session(request, reason)
            self.note_activity(request, now)
        return self.get_response(request)

    def note_activity(self, request: HttpRequest, now: float) -> None:
        session = request.session
        if LOGIN_AT_SESSION_KEY not in session:
            session[LOGIN_AT_SESSION_KEY] = now
            session[SEEN_AT_SESSION_KEY] = now
            return
        if now - session.get(SEEN_AT_SESSION_KEY, 0) < ACTIVITY_STAMP_INTERVAL:
            return
        session[SEEN_AT_SESSION_KEY] = now
        # The sessions page shows when and from where each session was last used; a session
        # allauth never recorded (from before it tracked sessions) is recorded now.
        updated = UserSession.objects.filter(session_key=session.session_key).update(
            last_seen_at=timezone.now(), ip=get_account_adapter().get_client_ip(request)
        )
        if not updated and session.session_key:
            UserSession.objects.create_from_request(request)

    def end_session(self, request: HttpRequest, reason: str) -> HttpResponse:
        next_path = _return_path(request)
        session_key = request.session.session_key
        logout(request)
        UserSession.objects.filter(session_key=session_key).delete()
        if reason == "idle":
            text = gettext(
                "Your session has ended because you were inactive for too long. "
                "Please log in again."
            )
        else:
            text = gettext(
                "Your session has ended because it reached its maximum length. "
                "Please log in again."
            )
        messages.info(request, text)
        login_url = resolve_url(settings.LOGIN_URL)
        if next_path and not next_path.startswith(login_url):
            login_url = redirect_to_login(next_path).url
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(login_url)
        return redirect(login_url)


# Pages a staff member without a second factor may still open. Everything under allauth's
# "mfa_" url names is allowed too (setting it up), and so is any view marked with Django's
# @login_not_required (public pages such as the privacy statement).
MFA_EXEMPT_VIEW_NAMES = frozenset(
    {
        "account_logout",
        "account_login",
        "account_inactive",
        # Setting up a second factor can ask for the password again, and needs a verified address.
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "set_language",
        "health",
    }
)
MFA_EXEMPT_PATHS = frozenset({"/favicon.ico"})
MFA_NOTICE_SESSION_KEY = "coachmaster_mfa_notice_shown"


def _is_mfa_exempt(request: HttpRequest, view_func) -> bool:
    match = request.resolver_match
    if match.view_name in MFA_EXEMPT_VIEW_NAMES or request.path_info in MFA_EXEMPT_PATHS:
        return True
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    return getattr(view_func, "login_required", True) is False


class StaffMFARequiredMiddleware:
    """Staff without an authenticator app or security key are sent to set one up first.

    Nothing else is served to them, GET or POST, page or htmx fragment: the request never reaches
    its view, so nothing is written. Students may set up MFA but are never forced to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return None
        user = request.user
        if not user.is_authenticated or not is_staff_member(user):
            return None
        match = request.resolver_match
        if not match.namespace and (match.url_name or "").startswith("mfa_"):
            # The MFA pages explain why they are shown (templates/mfa/index.html).
            request.mfa_setup_required = not has_strong_authenticator(user)
            return None
        if _is_mfa_exempt(request, view_func) or has_strong_authenticator(user):
            return None
        if not request.session.get(MFA_NOTICE_SESSION_KEY):
            request.session[MFA_NOTICE_SESSION_KEY] = True
            messages.warning(
                request,
                gettext(
                    "Your role gives you access to other people's personal data, so your "
                    "account needs two-factor authentication. Set up an authenticator app or "
                    "a security key to continue."
                ),
            )
        setup_url = reverse("mfa_index")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(setup_url)
        return redirect(setup_url)


class PrivatePagesNotStoredMiddleware:
    """Pages shown to a logged-in person are personal: browsers and proxies must not keep them.

    A shared computer's back button or disk cache would otherwise show the previous person's
    coaching logs and grades (OWASP ASVS 8.2.1). Views that set their own caching keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
