from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from administrators and imports; nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        return super().get_login_redirect_url(request) or reverse("home")

    def login(self, request, user) -> None:
        """Speak the person's own language from the very first message after logging in."""
        super().login(request, user)
        if user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
