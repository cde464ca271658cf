"""Framework pages, the curriculum map, review targets, versioning and import/export.

These pages live here rather than in ``curriculum`` because they join modules and review
moments to competencies, and ``competencies`` is the app allowed to know both.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages
from coachmaster.uploads import content_disposition
from curriculum.access import get_module_for, get_review_moment_for, get_version_for
from curriculum.forms import VersionNameForm
from curriculum.locking import EditConflict
from curriculum.models import CurriculumVersion, Discipline, Module, Programme, year_summary
from curriculum.views import refuse_locked

from .. import interchange, services
from ..access import get_competency_for, get_framework_for, next_review_moment
from ..forms.framework import (
    CompetencyForm,
    ImportForm,
    LevelForm,
    ProfileForm,
    ReviewTargetsForm,
    SuccessorsForm,
    TargetLevelForm,
)
from ..models import (
    CompetencyMapping,
    Indicator,
    ModuleTarget,
    ProficiencyLevel,
    Profile,
    ReviewTarget,
)

ADMIN = Role.PROGRAMME_ADMIN


# --- reading the framework ------------------------------------------------------------------


def framework_outline(framework) -> dict:
    """Profiles → competencies → indicators per level, with review targets, in six queries."""
    version = framework.curriculum_version
    levels = list(framework.levels.all())
    moments = list(version.review_moments.all())
    by_id = {level.pk: level for level in levels}
    targets = {
        (moment_id, competency_id): by_id[level_id]
        for moment_id, competency_id, level_id in ReviewTarget.objects.filter(
            review_moment__version=version
        ).values_list("review_moment_id", "competency_id", "level_id")
    }
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk"))
    competencies = list(framework.competencies.in_order().prefetch_related(indicators))
    profiles = list(framework.profiles.prefetch_related("builds_on"))
    by_profile: dict[int, list] = {profile.pk: [] for profile in profiles}
    for competency in competencies:
        grouped = {level.pk: [] for level in levels}
        for indicator in competency.indicators.all():
            grouped[indicator.level_id].append(indicator)
        competency.levels = [(level, grouped[level.pk]) for level in levels]
        competency.targets = [
            (moment, targets.get((moment.pk, competency.pk))) for moment in moments
        ]
        by_profile[competency.profile_id].append(competency)
    return {
        "levels": levels,
        "moments": moments,
        "profiles": [(profile, by_profile[profile.pk]) for profile in profiles],
        "competency_count": len(competencies),
    }


@require_safe
@login_required
def framework_detail(request: HttpRequest, framework_uuid) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    version = framework.curriculum_version
    outline = framework_outline(framework)
    upcoming = next_review_moment(request.user, version) if request.user.is_student else None
    context = {
        "framework": framework,
        "version": version,
        **outline,
        "next_moment": upcoming[0] if upcoming else None,
        "next_moment_date": upcoming[1] if upcoming else None,
        "is_admin": request.user.is_programme_admin,
        "can_edit": request.user.is_programme_admin and version.is_editable,
    }
    if upcoming:
        index = outline["moments"].index(upcoming[0])
        context["next_targets"] = [
            (competency, competency.targets[index][1])
            for _profile, competencies in outline["profiles"]
            for competency in competencies
            if competency.targets[index][1]
        ]
    return render(request, "competencies/framework_detail.html", context)


@require_safe
@login_required
def competency_detail(request: HttpRequest, competency_uuid) -> HttpResponse:
    competency = get_competency_for(request.user, competency_uuid)
    framework = competency.framework
    levels = list(framework.levels.all())
    indicators = list(competency.indicators.order_by("position", "pk"))
    context = {
        "competency": competency,
        "framework": framework,
        "version": framework.curriculum_version,
        "levels": [(level, [i for i in indicators if i.level_id == level.pk]) for level in levels],
        "module_targets": competency.module_targets.select_related(
            "module__period__year", "level"
        ).order_by("module__period__year__number", "module__period__number", "module__code"),
        "review_targets": competency.review_targets.select_related(
            "review_moment", "level"
        ).order_by("review_moment__position"),
        "predecessors": CompetencyMapping.objects.filter(new=competency).select_related(
            "old__framework__curriculum_version"
        ),
        "successors": CompetencyMapping.objects.filter(old=competency).select_related(
            "new__framework__curriculum_version"
        ),
        "can_edit": request.user.is_programme_admin and framework.curriculum_version.is_editable,
    }
    return render(request, "competencies/competency_detail.html", context)


# --- editing the framework ------------------------------------------------------------------


def _render_form(request, template_context: dict, status: int = 200) -> HttpResponse:
    return render(request, "competencies/form.html", template_context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def competency_create(request: HttpRequest, framework_uuid) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    return _competency_form(request, framework, None)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def competency_edit(request: HttpRequest, competency_uuid) -> HttpResponse:
    competency = get_competency_for(request.user, competency_uuid)
    return _competency_form(request, competency.framework, competency)


def _competency_form(request, framework, competency) -> HttpResponse:
    version = framework.curriculum_version
    if refused := refuse_locked(request, version):
        return refused
    form = CompetencyForm(request.POST or None, instance=competency, framework=framework)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_competency(
                competency=form.save(commit=False),
                indicators=form.indicators,
                by=request.user,
                version=form.opened_version,
            )
        except EditConflict as error:
            form.show_conflict(error, type(competency).objects.get(pk=competency.pk))
            status = 409
        except ValidationError as error:
            error_messages(request, error)
            return redirect("curriculum:version", version.uuid)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved})
            return redirect("competencies:framework", framework.uuid)
    context = {
        "framework": framework,
        "version": version,
        "form": form,
        "competency_form": True,
        "title": str(competency) if competency else _("New competency"),
        "delete_url": reverse("competencies:competency_delete", args=[competency.uuid])
        if competency
        else "",
    }
    return _render_form(request, context, status=status)


@require_POST
@role_required(ADMIN)
def competency_delete(request: HttpRequest, competency_uuid) -> HttpResponse:
    competency = get_competency_for(request.user, competency_uuid)
    framework = competency.framework
    try:
        services.delete_competency(competency=competency, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": competency})
    return redirect("competencies:framework", framework.uuid)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def level_edit(request: HttpRequest, framework_uuid, rank: int) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    level = get_object_or_404(framework.levels, rank=rank)
    return _simple_edit(request, framework, LevelForm, level, services.save_level, "level")


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def level_create(request: HttpRequest, framework_uuid) -> HttpResponse:
    """A level above the current highest one (ranks stay 1…n without gaps)."""
    framework = get_framework_for(request.user, framework_uuid)
    top = framework.levels.order_by("-rank").first()
    level = ProficiencyLevel(framework=framework, rank=(top.rank if top else 0) + 1)
    return _simple_edit(request, framework, LevelForm, level, services.save_level, "level")


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def profile_create(request: HttpRequest, framework_uuid) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    profile = Profile(framework=framework, position=framework.profiles.count())

    def save(*, profile, by, version):
        return services.save_profile(
            profile=profile, builds_on=form.cleaned_data["builds_on"], by=by, version=version
        )

    form = ProfileForm(request.POST or None, instance=profile)
    return _simple_edit(request, framework, form, profile, save, "profile")


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def profile_edit(request: HttpRequest, framework_uuid, code: str) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    profile = get_object_or_404(framework.profiles, code=code)

    def save(*, profile, by, version):
        return services.save_profile(
            profile=profile, builds_on=form.cleaned_data["builds_on"], by=by, version=version
        )

    form = ProfileForm(request.POST or None, instance=profile)
    return _simple_edit(request, framework, form, profile, save, "profile")


def _simple_edit(request, framework, form, obj, save, keyword: str) -> HttpResponse:
    version = framework.curriculum_version
    if refused := refuse_locked(request, version):
        return refused
    if isinstance(form, type):
        form = form(request.POST or None, instance=obj)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            save(
                **{keyword: form.save(commit=False)}, by=request.user, version=form.opened_version
            )
        except EditConflict as error:
            form.show_conflict(error, type(obj).objects.get(pk=obj.pk))
            status = 409
        except ValidationError as error:
            error_messages(request, error)
            return redirect("curriculum:version", version.uuid)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": obj})
            return redirect("competencies:framework", framework.uuid)
    title = str(obj) if obj.pk else _("New %(kind)s") % {"kind": obj._meta.verbose_name}
    context = {"framework": framework, "version": version, "form": form, "title": title}
    return _render_form(request, context, status=status)


# --- mapping between framework versions -----------------------------------------------------


@require_safe
@login_required
def mapping(request: HttpRequest, framework_uuid) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    if framework.derived_from is None:
        messages.info(request, _("This framework was not derived from an earlier one."))
        return redirect("competencies:framework", framework.uuid)
    links = CompetencyMapping.objects.filter(new__framework=framework).select_related("new")
    successors: dict[int, list] = {}
    for link in links:
        successors.setdefault(link.old_id, []).append(link.new)
    old = list(framework.derived_from.competencies.in_order())
    rows = [(competency, successors.get(competency.pk, [])) for competency in old]
    mapped = {link.new_id for link in links}
    context = {
        "framework": framework,
        "version": framework.curriculum_version,
        "rows": rows,
        "without_predecessor": [
            c for c in framework.competencies.in_order() if c.pk not in mapped
        ],
        "can_edit": request.user.is_programme_admin and framework.curriculum_version.is_editable,
    }
    return render(request, "competencies/mapping.html", context)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def mapping_edit(request: HttpRequest, framework_uuid, competency_uuid) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    if framework.derived_from is None:
        raise Http404
    old = get_object_or_404(framework.derived_from.competencies, uuid=competency_uuid)
    version = framework.curriculum_version
    if refused := refuse_locked(request, version):
        return refused
    current = framework.competencies.filter(predecessor_links__old=old)
    form = SuccessorsForm(
        request.POST or None, framework=framework, initial={"successors": list(current)}
    )
    if request.method == "POST" and form.is_valid():
        services.set_successors(
            framework=framework,
            old=old,
            successors=form.cleaned_data["successors"],
            by=request.user,
        )
        messages.success(request, _("The successors of %(code)s are saved.") % {"code": old.code})
        return redirect("competencies:mapping", framework.uuid)
    context = {
        "framework": framework,
        "version": version,
        "form": form,
        "title": _("Successors of %(competency)s") % {"competency": old},
    }
    return _render_form(request, context)


# --- import and export ----------------------------------------------------------------------


@require_safe
@role_required(ADMIN)
def export(request: HttpRequest, framework_uuid, file_format: str) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    data = interchange.export_framework(framework)
    if file_format not in ("json", "csv"):
        raise Http404
    version = framework.curriculum_version
    filename = f"framework-{version.programme.code}-{version.name}"
    if file_format == "csv":
        response = HttpResponse(interchange.to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            interchange.to_json(data), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition(f"{filename}.{file_format}")
    return response


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def import_view(request: HttpRequest, framework_uuid) -> HttpResponse:
    framework = get_framework_for(request.user, framework_uuid)
    version = framework.curriculum_version
    if refused := refuse_locked(request, version):
        return refused
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = interchange.parse_upload(upload.name, upload.read())
            problems = interchange.validate(parsed)
            if not problems:
                interchange.import_framework(
                    framework=framework, data=parsed.data, by=request.user
                )
        except ValidationError as error:
            problems = problems or error.messages
        if not problems:
            messages.success(
                request,
                _("The framework is imported: %(count)s competencies.")
                % {"count": framework.competencies.count()},
            )
            return redirect("competencies:framework", framework.uuid)
    context = {"framework": framework, "version": version, "form": form, "problems": problems}
    status = 400 if (problems or form.errors) else 200
    return render(request, "competencies/import.html", context, status=status)


# --- the curriculum map ---------------------------------------------------------------------


def coverage(version: CurriculumVersion, competencies, modules, module_targets, review_targets):
    """The map's checks, from what the map already fetched (plus the version's years and the
    disciplines no module uses: two queries)."""
    developed = {competency_id for _module, competency_id in module_targets}
    assessed = {competency_id for _moment, competency_id in review_targets}
    used = Module.disciplines.through.objects.filter(module__period__year__version=version)
    missing_disciplines = list(Discipline.objects.exclude(pk__in=used.values("discipline_id")))
    years = [
        year_summary(year, (module for module in modules if module.year_id == year.pk))
        for year in version.years.order_by("number")
    ]
    result = {
        "not_developed": [c for c in competencies if c.pk not in developed],
        "not_assessed": [c for c in competencies if c.pk not in assessed],
        "missing_disciplines": missing_disciplines,
        "years": years,
    }
    result["ok"] = not (
        result["not_developed"]
        or result["not_assessed"]
        or missing_disciplines
        or not all(year["ok"] for year in years)
    )
    return result


def _with_targets(rows) -> tuple[list, dict]:
    """Rows of an outer join to targets (one per target, or one with ``target_competency_id``
    None) → the distinct objects in order, and {(object pk, competency pk): level pk}."""
    objects, targets = {}, {}
    for row in rows:
        objects.setdefault(row.pk, row)
        if row.target_competency_id is not None:
            targets[row.pk, row.target_competency_id] = row.target_level_id
    return list(objects.values()), targets


def _map_context(version: CurriculumVersion) -> dict:
    """The map in a fixed number of queries, whatever its size: modules and review moments
    each come with their targets in one outer join."""
    framework = version.framework
    levels = list(framework.levels.order_by("rank"))
    level_by_id = {level.pk: level for level in levels}
    competencies = list(framework.competencies.in_order())
    modules, module_targets = _with_targets(
        Module.objects.filter(period__year__version=version)
        .only("uuid", "code", "title_nl", "title_en", "ec")
        .annotate(
            year_id=F("period__year_id"),
            target_competency_id=F("targets__competency_id"),
            target_level_id=F("targets__level_id"),
        )
        .order_by("period__year__number", "period__number", "position", "code", "pk")
    )
    moments, review_targets = _with_targets(
        version.review_moments.annotate(
            target_competency_id=F("targets__competency_id"),
            target_level_id=F("targets__level_id"),
        ).order_by("position", "year", "code", "pk")
    )
    rows = [
        {
            "module": module,
            "cells": [
                {
                    "module": module,
                    "competency": c,
                    "level": level_by_id.get(module_targets.get((module.pk, c.pk))),
                }
                for c in competencies
            ],
        }
        for module in modules
    ]
    moments = [
        {
            "moment": moment,
            "levels": [
                getattr(level_by_id.get(review_targets.get((moment.pk, c.pk))), "rank", None)
                for c in competencies
            ],
        }
        for moment in moments
    ]
    return {
        "version": version,
        "framework": framework,
        "levels": levels,
        "competencies": competencies,
        "rows": rows,
        "moments": moments,
        "coverage": coverage(version, competencies, modules, module_targets, review_targets),
        "can_edit": version.is_editable,
    }


@require_safe
@login_required
def curriculum_map(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid, "framework")
    context = _map_context(version)
    context["can_edit"] = context["can_edit"] and request.user.is_programme_admin
    return render(request, "competencies/map.html", context)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def map_cell(request: HttpRequest, module_uuid, competency_uuid) -> HttpResponse:
    """One cell of the map: a form to set the target (htmx swaps it in place, or a page)."""
    module = get_module_for(request.user, module_uuid)
    version = module.period.year.version
    competency = get_object_or_404(version.framework.competencies, uuid=competency_uuid)
    target = ModuleTarget.objects.filter(module=module, competency=competency).first()
    cell = {"module": module, "competency": competency, "level": target.level if target else None}
    if not version.is_editable:
        if request.htmx:
            return render(request, "competencies/map.html#cell", {"cell": cell, "can_edit": False})
        return refuse_locked(request, version)
    form = TargetLevelForm(
        request.POST or None,
        framework=version.framework,
        initial={"level": cell["level"]},
    )
    if request.method == "GET" and request.GET.get("show"):
        return render(request, "competencies/map.html#cell", {"cell": cell, "can_edit": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_module_target(
                module=module,
                competency=competency,
                level=form.cleaned_data["level"],
                by=request.user,
            )
        except ValidationError as error:
            error_messages(request, error)
            return redirect("competencies:map", version.uuid)
        if not request.htmx:
            messages.success(
                request,
                _("The target of %(module)s for %(competency)s is saved.")
                % {"module": module.code, "competency": competency.code},
            )
            return redirect(
                reverse("competencies:map", args=[version.uuid]) + f"#module-{module.uuid}"
            )
        cell["level"] = form.cleaned_data["level"]
        context = _map_context(version)
        context.update({"cell": cell, "can_edit": True, "saved": True})
        return render(request, "competencies/map_cell_saved.html", context)
    context = {
        "cell": cell,
        "form": form,
        "version": version,
        "module": module,
        "competency": competency,
    }
    template = "competencies/_map_cell_form.html" if request.htmx else "competencies/map_cell.html"
    return render(request, template, context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def review_targets(request: HttpRequest, moment_uuid) -> HttpResponse:
    moment = get_review_moment_for(request.user, moment_uuid)
    version = moment.version
    if refused := refuse_locked(request, version):
        return refused
    framework = version.framework
    current = dict(
        ReviewTarget.objects.filter(review_moment=moment).values_list(
            "competency_id", "level__rank"
        )
    )
    form = ReviewTargetsForm(
        request.POST or None,
        competencies=framework.competencies.in_order(),
        levels=list(framework.levels.all()),
        current=current,
    )
    if request.method == "POST" and form.is_valid():
        services.set_review_targets(moment=moment, levels=form.targets(), by=request.user)
        messages.success(
            request, _("The targets of “%(name)s” are saved.") % {"name": moment.name}
        )
        return redirect("curriculum:version", version.uuid)
    context = {"moment": moment, "version": version, "form": form}
    return render(request, "competencies/review_targets.html", context)


# --- versions -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def version_copy(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_version_for(request.user, version_uuid)
    form = VersionNameForm(request.POST or None, programme=version.programme)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.derive_version(
                version=version, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(
                request,
                _("Version %(name)s is a draft copy of %(source)s. Adjust it, then activate it.")
                % {"name": copy.name, "source": version.name},
            )
            return redirect("curriculum:version", copy.uuid)
    context = {"version": version, "form": form, "title": _("New version from this one")}
    return render(request, "curriculum/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def version_create(request: HttpRequest, programme_uuid) -> HttpResponse:
    programme = get_object_or_404(Programme, uuid=programme_uuid)
    form = VersionNameForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        version = services.create_empty_version(
            programme=programme, name=form.cleaned_data["name"], by=request.user
        )
        messages.success(
            request,
            _("Version %(name)s is created as an empty draft.") % {"name": version.name},
        )
        return redirect("curriculum:version", version.uuid)
    context = {
        "form": form,
        "title": _("New empty version of %(programme)s") % {"programme": programme},
    }
    return render(request, "curriculum/form.html", context, status=400 if form.errors else 200)
