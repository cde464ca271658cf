"""The curriculum's pages: versions, their years, periods and modules, and review moments.

Everyone with a role reads the versions ``visible_to`` them; only programme administrators
change them, and only while the version is an unused draft (``services.ensure_editable``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages

from . import services
from .access import get_module_for, get_period_for, get_review_moment_for, get_version_for
from .forms import ModuleForm, PeriodForm, ReviewMomentForm, VersionSettingsForm
from .locking import EditConflict
from .models import CurriculumVersion, Period, Programme

ADMIN = Role.PROGRAMME_ADMIN
VERSIONS_PER_PAGE = 25


def refuse_locked(request: HttpRequest, version: CurriculumVersion) -> HttpResponse | None:
    """Sends the administrator back to the version with the reason it cannot change."""
    if version.is_editable:
        return None
    messages.error(request, version.lock_reason())
    return redirect("curriculum:version", version.uuid)


@require_safe
@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    versions = (
        CurriculumVersion.objects.visible_to(request.user)
        .select_related("programme", "derived_from")
        .prefetch_related("cohorts")
        .order_by("programme__code", "-created_at", "pk")
    )
    page = Paginator(versions, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    is_admin = request.user.is_programme_admin
    if page.paginator.count == 1 and not is_admin:
        return redirect("curriculum:version", page[0].uuid)
    context = {
        "versions": page,
        "programmes": Programme.objects.order_by("code") if is_admin else [],
        "is_admin": is_admin,
    }
    return render(request, "curriculum/version_list.html", context)


@require_safe
@login_required
def version_detail(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    years = version.year_overview()
    context = {
        "version": version,
        "years": years,
        "ec_total": sum((year["total"] for year in years), 0),
        "review_moments": version.review_moments.all(),
        "cohorts": version.cohorts.all(),
        "framework": getattr(version, "framework", None),
        "can_edit": request.user.is_programme_admin and version.is_editable,
        "is_admin": request.user.is_programme_admin,
        "lock_reason": version.lock_reason() if request.user.is_programme_admin else "",
        "statuses": CurriculumVersion.Status,
    }
    return render(request, "curriculum/version_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def version_settings(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    if refused := refuse_locked(request, version):
        return refused
    form = VersionSettingsForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_version_settings(
                version=version,
                name=form.cleaned_data["name"],
                ec_targets=form.ec_targets(),
                by=request.user,
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The version's settings are saved."))
        return redirect("curriculum:version", version.uuid)
    return render(request, "curriculum/form.html", _form_context(version, form, _("Settings")))


@require_POST
@role_required(ADMIN)
def version_status(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    status = request.POST.get("status", "")
    if status not in CurriculumVersion.Status.values:
        messages.error(request, _("Choose a status."))
        return redirect("curriculum:version", version.uuid)
    try:
        services.set_status(version=version, status=status, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The version is now %(status)s.")
            % {"status": CurriculumVersion.Status(status).label.lower()},
        )
    return redirect("curriculum:version", version.uuid)


def _form_context(version, form, title: str, obj=None, delete_url: str = "") -> dict:
    return {
        "version": version,
        "form": form,
        "title": title,
        "object": obj,
        "delete_url": delete_url,
    }


@require_safe
@login_required
def module_detail(request: HttpRequest, module_uuid) -> HttpResponse:
    module = get_module_for(request.user, module_uuid)
    version = module.period.year.version
    targets = module.targets.select_related("competency__profile", "level").order_by(
        "competency__profile__position", "competency__position", "competency__code"
    )
    context = {
        "module": module,
        "version": version,
        "targets": targets,
        "disciplines": module.disciplines.all(),
        "can_edit": request.user.is_programme_admin and version.is_editable,
    }
    return render(request, "curriculum/module_detail.html", context)


def _edit(request, version, form, title, obj, delete_url, save) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except EditConflict as error:
            form.show_conflict(error, type(obj)._default_manager.get(pk=obj.pk))
            context = _form_context(version, form, title, obj, delete_url)
            return render(request, "curriculum/form.html", context, status=409)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form._update_errors(error)
            else:
                error_messages(request, error)
                return redirect("curriculum:version", version.uuid)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved})
            return redirect("curriculum:version", version.uuid)
    context = _form_context(version, form, title, obj, delete_url)
    return render(request, "curriculum/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def module_create(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    if refused := refuse_locked(request, version):
        return refused
    initial = {}
    if period := Period.objects.filter(
        year__version=version, uuid=request.GET.get("period")
    ).first():
        initial["period"] = period
    form = ModuleForm(request.POST or None, version=version, initial=initial)

    def save(form):
        module = form.save(commit=False)
        return services.save_module(
            module=module, disciplines=form.cleaned_data["disciplines"], by=request.user
        )

    return _edit(request, version, form, _("New module"), None, "", save)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def module_edit(request: HttpRequest, module_uuid) -> HttpResponse:
    module = get_module_for(request.user, module_uuid)
    version = module.period.year.version
    if refused := refuse_locked(request, version):
        return refused
    form = ModuleForm(request.POST or None, instance=module, version=version)

    def save(form):
        changed = form.save(commit=False)
        return services.save_module(
            module=changed,
            disciplines=form.cleaned_data["disciplines"],
            by=request.user,
            version=form.opened_version,
        )

    title = _("Module %(code)s") % {"code": module.code}
    delete_url = reverse("curriculum:module_delete", args=[module.uuid])
    return _edit(request, version, form, title, module, delete_url, save)


@require_POST
@role_required(ADMIN)
def module_delete(request: HttpRequest, module_uuid) -> HttpResponse:
    module = get_module_for(request.user, module_uuid)
    version = module.period.year.version
    try:
        services.delete_module(module=module, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Module %(code)s is deleted.") % {"code": module.code})
    return redirect("curriculum:version", version.uuid)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def period_create(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    if refused := refuse_locked(request, version):
        return refused
    form = PeriodForm(request.POST or None, version=version)

    def save(form):
        return services.save_period(period=form.save(commit=False), by=request.user)

    return _edit(request, version, form, _("New period"), None, "", save)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def period_edit(request: HttpRequest, period_uuid) -> HttpResponse:
    period = get_period_for(request.user, period_uuid)
    version = period.year.version
    if refused := refuse_locked(request, version):
        return refused
    form = PeriodForm(request.POST or None, instance=period, version=version)

    def save(form):
        return services.save_period(period=form.save(commit=False), by=request.user)

    delete_url = reverse("curriculum:period_delete", args=[period.uuid])
    return _edit(request, version, form, period.name, period, delete_url, save)


@require_POST
@role_required(ADMIN)
def period_delete(request: HttpRequest, period_uuid) -> HttpResponse:
    period = get_period_for(request.user, period_uuid)
    version = period.year.version
    try:
        services.delete_period(period=period, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": period.name})
    return redirect("curriculum:version", version.uuid)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def review_moment_create(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    if refused := refuse_locked(request, version):
        return refused
    form = ReviewMomentForm(request.POST or None, version=version)

    def save(form):
        return services.save_review_moment(moment=form.save(commit=False), by=request.user)

    return _edit(request, version, form, _("New review moment"), None, "", save)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def review_moment_edit(request: HttpRequest, moment_uuid) -> HttpResponse:
    moment = get_review_moment_for(request.user, moment_uuid)
    version = moment.version
    if refused := refuse_locked(request, version):
        return refused
    form = ReviewMomentForm(request.POST or None, instance=moment, version=version)

    def save(form):
        return services.save_review_moment(moment=form.save(commit=False), by=request.user)

    delete_url = reverse("curriculum:review_moment_delete", args=[moment.uuid])
    return _edit(request, version, form, moment.name, moment, delete_url, save)


@require_POST
@role_required(ADMIN)
def review_moment_delete(request: HttpRequest, moment_uuid) -> HttpResponse:
    moment = get_review_moment_for(request.user, moment_uuid)
    try:
        services.delete_review_moment(moment=moment, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": moment.name})
    return redirect("curriculum:version", moment.version.uuid)
