"""The supervisor's and the administrator's thesis screens: the supervision week with its
matrix, the theses a second reader reads, the overview per cohort, assigning supervisors and
second readers, the host organisation registry and the milestone template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Min, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role, User
from cohorts import services as cohort_services
from cohorts.models import Cohort, Enrolment
from curriculum.models import CurriculumVersion

from .. import services
from ..access import READER_KINDS, is_admin
from ..forms.staff import (
    HostForm,
    HostSearchForm,
    OverviewFilterForm,
    StaffRowForm,
    SupervisionFilterForm,
    TemplateFormSet,
)
from ..matrix import supervision_week
from ..models import (
    HostOrganisation,
    Milestone,
    MilestoneKind,
    ResearchApproach,
    SecondReaderAssignment,
    ThesisProject,
)

HOSTS_PER_PAGE = 50


# --- the supervisor --------------------------------------------------------------------------


@require_safe
@role_required(Role.SUPERVISOR)
def supervision(request: HttpRequest) -> HttpResponse:
    week = supervision_week(request.user)
    form = SupervisionFilterForm(request.GET or None, cohorts=week.cohorts)
    rows = week.rows
    if form.is_valid():
        if form.cleaned_data["cohort"]:
            rows = [row for row in rows if str(row.cohort.uuid) == form.cleaned_data["cohort"]]
        if form.cleaned_data["attention"]:
            rows = [row for row in rows if row.needs_attention]
    context = {
        "week": week,
        "rows": rows,
        "form": form,
        "kinds": MilestoneKind.choices,
        "filtered": len(rows) != len(week.rows),
    }
    return render(request, "thesis/staff/supervision.html", context)


@require_safe
@login_required
def reading(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_lecturer or user.is_supervisor):
        raise PermissionDenied
    projects = list(
        ThesisProject.objects.read_by(user)
        .with_people()
        .select_related("enrolment__student", "enrolment__cohort")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(kind__in=READER_KINDS).order_by("position"),
            )
        )
        .order_by("enrolment__student__family_name", "enrolment__student__given_name")
    )
    supervisors = User.objects.in_bulk({p.supervisor_id for p in projects if p.supervisor_id})
    today = timezone.localdate()
    rows = []
    for project in projects:
        by_kind = {milestone.kind: milestone for milestone in project.milestones.all()}
        cells = []
        for kind in READER_KINDS:
            milestone = by_kind.get(kind)
            cells.append(
                {
                    "milestone": milestone,
                    "overdue": bool(milestone and milestone.is_overdue(today)),
                }
            )
        rows.append(
            {
                "project": project,
                "supervisor": supervisors.get(project.supervisor_id),
                "cells": cells,
            }
        )
    kinds = [(kind, MilestoneKind(kind).label) for kind in READER_KINDS]
    return render(request, "thesis/staff/reading.html", {"rows": rows, "kinds": kinds})


# --- the administrator -----------------------------------------------------------------------


@require_safe
@role_required(Role.PROGRAMME_ADMIN)
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    overdue = Q(enrolments__thesis__milestones__due_on__lt=today) & ~Q(
        enrolments__thesis__milestones__status__in=[
            Milestone.Status.APPROVED,
            Milestone.Status.SUBMITTED,
        ]
    )
    cohorts = list(
        Cohort.objects.select_related("curriculum_version__programme").annotate(
            project_count=Count("enrolments__thesis", distinct=True),
            overdue_count=Count("enrolments__thesis__milestones", filter=overdue, distinct=True),
            active_count=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.ACTIVE),
                distinct=True,
            ),
        )
    )
    supervisors = list(User.objects.filter(is_supervisor=True).order_by("family_name"))
    approaches = list(ResearchApproach.objects.all())
    data = request.GET.copy()
    default = next((c for c in cohorts if c.project_count), cohorts[0] if cohorts else None)
    if not data.get("cohort") and default is not None:
        data["cohort"] = str(default.uuid)
    form = OverviewFilterForm(
        data, cohorts=cohorts, supervisors=supervisors, approaches=approaches
    )
    filters = form.cleaned_data if form.is_valid() else {}
    cohort = next((c for c in cohorts if str(c.uuid) == filters.get("cohort")), default)
    context = {"form": form, "cohorts": cohorts, "cohort": cohort, "rows": [], "totals": None}
    if cohort is not None:
        projects = list(
            ThesisProject.objects.filter(enrolment__cohort=cohort)
            .with_overdue_counts(today)
            .with_people()
            .annotate(
                next_due_on=Min(
                    "milestones__due_on", filter=~Q(milestones__status=Milestone.Status.APPROVED)
                )
            )
            .select_related("enrolment__student", "approach")
            .order_by("enrolment__student__family_name", "enrolment__student__given_name")
        )
        people = User.objects.in_bulk(
            {p.supervisor_id for p in projects if p.supervisor_id}
            | {p.second_reader_id for p in projects if p.second_reader_id}
        )
        for project in projects:
            project.supervisor = people.get(project.supervisor_id)
            project.second_reader = people.get(project.second_reader_id)
        rows = projects
        if filters.get("supervisor"):
            rows = [p for p in rows if str(p.supervisor_id) == filters["supervisor"]]
        if filters.get("status"):
            rows = [p for p in rows if p.status == filters["status"]]
        if filters.get("approach"):
            rows = [p for p in rows if str(p.approach_id) == filters["approach"]]
        if filters.get("overdue"):
            rows = [p for p in rows if p.overdue_count]
        without_project = list(
            Enrolment.objects.filter(cohort=cohort, thesis__isnull=True)
            .exclude(status__in=[Enrolment.Status.WITHDRAWN, Enrolment.Status.GRADUATED])
            .with_current_supervisor()
            .select_related("student")
            .order_by("student__family_name", "student__given_name")
        )
        supervisor_by_pk = {person.pk: person for person in supervisors}
        for enrolment in without_project:
            enrolment.supervisor = supervisor_by_pk.get(enrolment.supervisor_id)
        statuses = dict.fromkeys(ThesisProject.Status.values, 0)
        for project in projects:
            statuses[project.status] += 1
        context.update(
            rows=rows,
            without_project=without_project,
            totals={
                "projects": len(projects),
                "shown": len(rows),
                "overdue": sum(p.overdue_count for p in projects),
                "waiting": sum(p.waiting_count for p in projects),
                "without_project": len(without_project),
                "by_status": [
                    (label, statuses[value])
                    for value, label in ThesisProject.Status.choices
                    if statuses[value]
                ],
            },
        )
    return render(request, "thesis/staff/overview.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.PROGRAMME_ADMIN)
def staff(request: HttpRequest, cohort_uuid) -> HttpResponse:
    cohort = get_object_or_404(Cohort, uuid=cohort_uuid)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .with_current_supervisor()
        .select_related("student", "thesis")
        .order_by("student__family_name", "student__given_name")
    )
    readers_now = dict(
        SecondReaderAssignment.objects.current()
        .filter(project__enrolment__cohort=cohort)
        .values_list("project_id", "reader_id")
    )
    current_supervisors = {e.supervisor_id for e in enrolments if e.supervisor_id}
    supervisors = list(
        User.objects.filter(Q(is_supervisor=True, is_active=True) | Q(pk__in=current_supervisors))
        .annotate(
            load=Count(
                "supervisor_assignments",
                filter=Q(supervisor_assignments__ended_at__isnull=True),
            )
        )
        .order_by("family_name", "given_name")
    )
    readers = list(
        User.objects.filter(
            Q(is_lecturer=True, is_active=True)
            | Q(is_supervisor=True, is_active=True)
            | Q(pk__in=set(readers_now.values()))
        ).order_by("family_name", "given_name")
    )
    people = {person.pk: person for person in [*supervisors, *readers]}
    supervisor_choices = [
        (
            str(person.pk),
            _("%(name)s (%(count)s supervisees)")
            % {"name": person.sort_name, "count": person.load},
        )
        for person in supervisors
    ]
    reader_choices = [(str(person.pk), person.sort_name) for person in readers]
    rows = []
    for enrolment in enrolments:
        project = getattr(enrolment, "thesis", None)
        initial = {"supervisor": str(enrolment.supervisor_id or "")}
        if project is not None:
            initial["second_reader"] = str(readers_now.get(project.pk) or "")
        prefix = f"e{enrolment.pk}"
        # A row that wasn't on the page when it was sent (a student enrolled meanwhile) stays
        # unbound: a missing field must not read as "no supervisor".
        submitted = request.method == "POST" and f"{prefix}-supervisor" in request.POST
        form = StaffRowForm(
            request.POST if submitted else None,
            prefix=prefix,
            initial=initial,
            supervisor_choices=supervisor_choices,
            reader_choices=reader_choices,
            has_project=project is not None,
        )
        rows.append({"enrolment": enrolment, "project": project, "form": form})

    if request.method == "POST":
        bound = [row for row in rows if row["form"].is_bound]
        valid = [row["form"].is_valid() for row in bound]  # every row, to show every error
        failed = not all(valid)
        changed = 0
        if not failed:
            with transaction.atomic():
                for row in bound:
                    changed += _save_staff_row(row, people, by=request.user)
                failed = any(row["form"].errors for row in rows)
                if failed:
                    transaction.set_rollback(True)
        if not failed:
            if changed:
                messages.success(request, _("The assignments are saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("thesis:staff", cohort.uuid)
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
    context = {"cohort": cohort, "rows": rows, "supervisors": supervisors}
    status = 400 if request.method == "POST" else 200
    return render(request, "thesis/staff/staff.html", context, status=status)


def _save_staff_row(row: dict, people: dict, *, by) -> int:
    """Saves what changed in one row; errors go on the row's form. Supervisor first, so the
    second-reader rule sees the new supervisor."""
    form = row["form"]
    enrolment, project = row["enrolment"], row["project"]
    changes = 0
    for name in form.changed_data:
        value = form.cleaned_data[name]
        person = people.get(int(value)) if value else None
        try:
            if name == "supervisor":
                cohort_services.assign_supervisor(enrolment=enrolment, supervisor=person, by=by)
            elif name == "second_reader" and project is not None:
                project.enrolment = enrolment
                services.assign_second_reader(project=project, reader=person, by=by)
        except ValidationError as error:
            form.add_error(name, error)
        else:
            changes += 1
    return changes


# --- host organisations ----------------------------------------------------------------------


def _require_host_staff(user) -> None:
    if not (is_admin(user) or user.is_supervisor):
        raise PermissionDenied


def _visible_hosted_projects(user):
    """Administrators see every hosted project; supervisors only their supervisees'."""
    projects = ThesisProject.objects.select_related("enrolment__student", "enrolment__cohort")
    if not is_admin(user):
        projects = projects.supervised_by(user)
    return projects.order_by("enrolment__student__family_name")


@require_safe
@login_required
def hosts(request: HttpRequest) -> HttpResponse:
    _require_host_staff(request.user)
    form = HostSearchForm(request.GET or None)
    organisations = HostOrganisation.objects.annotate(project_count=Count("projects"))
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        organisations = organisations.filter(Q(name__icontains=query) | Q(sector__icontains=query))
    organisations = organisations.prefetch_related(
        Prefetch(
            "projects",
            queryset=_visible_hosted_projects(request.user),
            to_attr="visible_projects",
        )
    ).order_by("name")
    page = Paginator(organisations, HOSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query, "is_admin": is_admin(request.user)}
    return render(request, "thesis/staff/hosts.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def host_new(request: HttpRequest) -> HttpResponse:
    _require_host_staff(request.user)
    form = HostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            host = services.save_host(host=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("%(name)s is added to the registry.") % {"name": host})
            return redirect("thesis:host", host.uuid)
    status = 400 if form.errors else 200
    return render(request, "thesis/staff/host_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def host(request: HttpRequest, host_uuid) -> HttpResponse:
    _require_host_staff(request.user)
    organisation = get_object_or_404(
        HostOrganisation.objects.select_related("created_by").annotate(
            project_count=Count("projects")
        ),
        uuid=host_uuid,
    )
    form = HostForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_host(host=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("thesis:host", organisation.uuid)
    projects = _visible_hosted_projects(request.user).filter(host_organisation=organisation)
    context = {
        "host": organisation,
        "form": form,
        "projects": projects,
        "is_admin": is_admin(request.user),
    }
    return render(
        request, "thesis/staff/host_detail.html", context, status=400 if form.errors else 200
    )


# --- the milestone template ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.PROGRAMME_ADMIN)
def milestone_templates(request: HttpRequest, version_uuid) -> HttpResponse:
    version = get_object_or_404(
        CurriculumVersion.objects.select_related("programme"), uuid=version_uuid
    )
    services.ensure_templates(version)
    queryset = version.milestone_templates.order_by("position", "pk")
    formset = TemplateFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_templates(
                version=version, templates=formset.save(commit=False), by=request.user
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(
                request, _("The milestone template is saved. It applies to new projects.")
            )
            return redirect("thesis:templates", version.uuid)
    status = 400 if request.method == "POST" else 200
    context = {"version": version, "formset": formset}
    return render(request, "thesis/staff/templates.html", context, status=status)
