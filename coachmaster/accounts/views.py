from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import choose_role, dashboard_url, role_required
from .forms import LanguageForm, PreferencesForm, RoleChoiceForm
from .models import Role, User
from .tasks import send_invitation_email


@require_POST
@login_required
def switch_role(request: HttpRequest) -> HttpResponse:
    form = RoleChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown role."))
    role = form.cleaned_data["role"]
    choose_role(request, role)
    return redirect(dashboard_url(role))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; saved on the account for people who are logged in."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown language."))
    language = form.cleaned_data["language"]
    target = form.cleaned_data["next"] or request.headers.get("referer", "") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.user.is_authenticated and request.user.preferred_language != language:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 60 * 60 * 24 * 365,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(form.instance.preferred_language)
        messages.success(request, _("Your preferences have been saved."))
        return redirect("preferences")
    return render(
        request,
        "accounts/preferences.html",
        {"form": form, "surfconext_enabled": bool(settings.SURFCONEXT_ISSUER)},
    )


@require_POST
@role_required(Role.PROGRAMME_ADMIN)
def resend_invitation(request: HttpRequest, user_uuid) -> HttpResponse:
    person = get_object_or_404(User.objects.active(), uuid=user_uuid)
    send_invitation_email.delay_on_commit(person.pk)
    if request.htmx:
        return render(
            request, "dashboards/_resend_invitation.html", {"person": person, "sent": True}
        )
    messages.success(
        request, _("An invitation has been sent to %(email)s.") % {"email": person.email}
    )
    return redirect("admin_dashboard")
