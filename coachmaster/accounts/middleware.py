from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

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


class SessionLifetimeMiddleware:
    """Idle timeout and absolute session lifetime (being built: passes everything through)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Staff without MFA are sent to set it up first (being built: passes everything through)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
