from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

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
