from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class RoleChoiceForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["preferred_language", "weekly_digest"]
        labels = {
            "preferred_language": _("Language of the platform and of e-mails to you"),
            "weekly_digest": _("Send me a weekly digest by e-mail"),
        }


class LoginForm(AllauthLoginForm):
    """allauth's login form without the reset link inside the password label (the page has one)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
