"""Cohort pages: overview, the student table with bulk actions, enrolments, staff, groups,
intervision sessions, exports and the student import. Access is decided in ``access.py``."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role, User
from coachmaster.messages import error_messages
from coachmaster.uploads import content_disposition

from . import exports, importing, services
from .access import (
    can_manage_group,
    get_cohort_for,
    get_enrolment_for,
    get_group_for,
    get_session_for,
    groups_visible_to,
    is_admin,
)
from .forms import (
    BulkActionForm,
    CohortForm,
    EnrolStudentForm,
    GroupForm,
    ImportMappingForm,
    ImportRowForm,
    ImportUploadForm,
    LecturerAssignmentForm,
    MembersForm,
    SessionForm,
    StatusChangeForm,
    StudentFilterForm,
    SupervisorForm,
)
from .models import (
    Attendance,
    Cohort,
    Enrolment,
    Group,
    IntervisionSession,
    LecturerAssignment,
    StudentImport,
)

ADMIN = Role.PROGRAMME_ADMIN
STUDENTS_PER_PAGE = 25


# --- cohorts --------------------------------------------------------------------------------


@require_safe
@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (is_admin(user) or user.is_lecturer):
        # Supervisors work with supervisees, not cohorts; students with their own enrolment.
        if user.is_supervisor:
            return redirect("supervisor_dashboard")
        if user.is_student:
            return redirect("cohorts:mine")
        raise PermissionDenied
    cohorts = list(
        Cohort.objects.visible_to(user)
        .select_related("curriculum_version__programme")
        .order_by("-start_date")
    )
    counts = Enrolment.objects.filter(cohort__in=cohorts).counts_by_cohort()
    for cohort in cohorts:
        for status in Enrolment.Status.values:
            setattr(cohort, f"{status}_count", counts[cohort.pk][status])
    context = {"cohorts": cohorts, "statuses": Enrolment.Status, "is_admin": is_admin(user)}
    return render(request, "cohorts/cohort_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def cohort_create(request: HttpRequest) -> HttpResponse:
    return _cohort_form(request, Cohort())


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def cohort_edit(request: HttpRequest, cohort_uuid) -> HttpResponse:
    return _cohort_form(request, get_cohort_for(request.user, cohort_uuid))


def _cohort_form(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.save_cohort(cohort=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cohort %(name)s is saved.") % {"name": cohort.name})
            return redirect("cohorts:cohort", cohort.uuid)
    title = cohort.name if cohort.pk else _("New cohort")
    context = {"form": form, "title": title, "cohort": cohort if cohort.pk else None}
    return render(request, "cohorts/form.html", context, status=400 if form.errors else 200)


def _student_table(
    request: HttpRequest, cohort: Cohort, groups: list[Group], total: int | None = None
) -> dict:
    """The filtered, sorted page of students: one query for the page (student and current
    supervisor joined in), one for their memberships of ``groups`` (the cohort's, fetched
    once). ``total``, when the caller already counted the students this person sees, spares
    the paginator's count while nothing narrows it."""
    filters = StudentFilterForm(request.GET or None, cohort=cohort, groups=groups)
    enrolments = (
        Enrolment.objects.visible_to(request.user)
        .filter(cohort=cohort)
        .select_related("student")
        .with_current_supervisor_name()
    )
    paginator = Paginator(filters.apply(enrolments), STUDENTS_PER_PAGE)
    if total is not None and not filters.narrows():
        paginator.count = total  # a cached_property: set, it is not queried again
    page = paginator.get_page(request.GET.get("page"))
    # Each row's groups, in the order of ``groups`` (already fetched): one query for the page.
    memberships = defaultdict(set)
    for enrolment_id, group_id in Group.members.through.objects.filter(
        enrolment__in=[enrolment.pk for enrolment in page]
    ).values_list("enrolment_id", "group_id"):
        memberships[enrolment_id].add(group_id)
    position = {group.pk: index for index, group in enumerate(groups)}
    labels = dict(Enrolment.Status.choices)
    for enrolment in page:
        enrolment.group_list = [
            groups[index]
            for index in sorted(position[pk] for pk in memberships[enrolment.pk] if pk in position)
        ]
        enrolment.status_label = labels[enrolment.status]
        enrolment.current_supervisor = (
            User(
                given_name=enrolment.supervisor_given_name,
                name_prefix=enrolment.supervisor_name_prefix,
                family_name=enrolment.supervisor_family_name,
            )
            if enrolment.supervisor_id
            else None
        )
    query = request.GET.copy()
    query.pop("page", None)
    return {"filters": filters, "page": page, "query": query.urlencode()}


@require_safe
@login_required
def cohort_detail(request: HttpRequest, cohort_uuid) -> HttpResponse:
    cohort = get_cohort_for(request.user, cohort_uuid)
    user = request.user
    if not (is_admin(user) or user.is_lecturer or user.is_supervisor):
        # A student's view of their cohort is their own enrolment and groups.
        return redirect("cohorts:mine")
    full_page = not (request.htmx and request.htmx.target == "students")
    context = {"cohort": cohort, "is_admin": is_admin(user)}
    total = None
    if full_page:
        # Counted over the students this person may see (a supervisor: their supervisees).
        counts = dict(
            Enrolment.objects.visible_to(user)
            .filter(cohort=cohort)
            .values_list("status")
            .annotate(total=Count("pk"))
            .order_by()
        )
        context["status_counts"] = [
            (Enrolment.Status(status).label, counts.get(status, 0))
            for status in Enrolment.Status.values
        ]
        total = sum(counts.values())
    # The filter and the bulk actions offer the same groups: fetched once.
    groups = list(cohort.groups.order_by("kind", "name"))
    context.update(_student_table(request, cohort, groups, total))
    if context["is_admin"]:
        context["bulk_form"] = BulkActionForm(cohort=cohort, groups=groups)
    if not full_page:
        return render(request, "cohorts/cohort_detail.html#students", context)
    return render(request, "cohorts/cohort_detail.html", context)


@require_POST
@role_required(ADMIN)
def bulk_action(request: HttpRequest, cohort_uuid) -> HttpResponse:
    cohort = get_cohort_for(request.user, cohort_uuid)
    form = BulkActionForm(request.POST, cohort=cohort)
    back = reverse("cohorts:cohort", args=[cohort.uuid])
    if request.POST.get("next", "").startswith(back):
        back = request.POST["next"]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        data = form.cleaned_data
        enrolments = list(data["enrolments"])
        try:
            if data["action"] == "group":
                count = services.add_to_group(
                    group=data["group"], enrolments=enrolments, by=request.user
                )
                messages.success(
                    request,
                    _("%(count)s students are now in %(group)s.")
                    % {"count": count, "group": data["group"]},
                )
            elif data["action"] == "supervisor":
                count = services.bulk_assign_supervisor(
                    enrolments=enrolments, supervisor=data["supervisor"], by=request.user
                )
                messages.success(
                    request,
                    _("The supervisor of %(count)s students is saved.") % {"count": count},
                )
            else:
                count = services.bulk_change_status(
                    enrolments=enrolments,
                    status=data["status"],
                    effective_on=data["effective_on"],
                    reason=data["reason"],
                    by=request.user,
                )
                messages.success(
                    request, _("The status of %(count)s students changed.") % {"count": count}
                )
        except ValidationError as error:
            error_messages(request, error)
    if request.htmx:
        return HttpResponseClientRedirect(back)
    return redirect(back)


@require_safe
@login_required
def cohort_export(request: HttpRequest, cohort_uuid, file_format: str) -> HttpResponse:
    cohort = get_cohort_for(request.user, cohort_uuid)
    if file_format not in ("csv", "xlsx") or not (
        is_admin(request.user) or request.user.is_lecturer
    ):
        raise Http404
    filters = StudentFilterForm(request.GET or None, cohort=cohort)
    enrolments = filters.apply(
        exports.enrolments_for_export(
            Enrolment.objects.visible_to(request.user).filter(cohort=cohort)
        ).with_current_supervisor()
    )
    headers, rows = exports.export_table(enrolments)
    filename = f"cohort-{cohort.name}".replace("–", "-").replace(" ", "-")
    if file_format == "csv":
        response = HttpResponse(
            exports.to_csv(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.to_xlsx(headers, rows, title=cohort.name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = content_disposition(f"{filename}.{file_format}")
    return response


# --- enrolments -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def enrol_student(request: HttpRequest, cohort_uuid) -> HttpResponse:
    """Add one student by hand: a new account (with invitation) or an existing one."""
    cohort = get_cohort_for(request.user, cohort_uuid)
    form = EnrolStudentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = importing.enrol_by_hand(
                cohort=cohort, values=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is enrolled in %(cohort)s (%(result)s).")
                % {
                    "name": " ".join(
                        part
                        for part in (
                            plan.values["given_name"],
                            plan.values["name_prefix"],
                            plan.values["family_name"],
                        )
                        if part
                    ),
                    "cohort": cohort.name,
                    "result": plan.action_label.lower(),
                },
            )
            return redirect("cohorts:cohort", cohort.uuid)
    context = {"form": form, "title": _("Add a student to %(cohort)s") % {"cohort": cohort.name}}
    context["cohort"] = cohort
    return render(request, "cohorts/form.html", context, status=400 if form.errors else 200)


@require_safe
@login_required
def enrolment_detail(request: HttpRequest, enrolment_uuid) -> HttpResponse:
    enrolment = get_enrolment_for(request.user, enrolment_uuid)
    context = {
        "enrolment": enrolment,
        "history": enrolment.history.select_related("changed_by"),
        "supervisions": enrolment.supervisor_assignments.select_related(
            "supervisor", "assigned_by", "ended_by"
        ),
        "groups": enrolment.groups.select_related("facilitator"),
        "is_admin": is_admin(request.user),
    }
    if context["is_admin"]:
        current = next((s for s in context["supervisions"] if s.ended_at is None), None)
        context["status_form"] = StatusChangeForm(initial={"status": enrolment.status})
        context["supervisor_form"] = SupervisorForm(
            initial={"supervisor": current.supervisor if current else None}
        )
    return render(request, "cohorts/enrolment_detail.html", context)


@require_POST
@role_required(ADMIN)
def enrolment_status(request: HttpRequest, enrolment_uuid) -> HttpResponse:
    enrolment = get_enrolment_for(request.user, enrolment_uuid)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            changed = services.change_status(
                enrolment=enrolment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            if changed:
                messages.success(request, _("The status is changed."))
            else:
                messages.info(request, _("The enrolment already has this status."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("cohorts:enrolment", enrolment.uuid)


@require_POST
@role_required(ADMIN)
def enrolment_supervisor(request: HttpRequest, enrolment_uuid) -> HttpResponse:
    enrolment = get_enrolment_for(request.user, enrolment_uuid)
    form = SupervisorForm(request.POST)
    if form.is_valid():
        services.assign_supervisor(
            enrolment=enrolment, supervisor=form.cleaned_data["supervisor"], by=request.user
        )
        messages.success(request, _("The thesis supervisor is saved."))
    else:
        messages.error(request, _("Choose a thesis supervisor from the list."))
    return redirect("cohorts:enrolment", enrolment.uuid)


# --- staff ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def staff(request: HttpRequest, cohort_uuid) -> HttpResponse:
    cohort = get_cohort_for(request.user, cohort_uuid)
    form = LecturerAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_lecturer(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                _("%(person)s is assigned to %(cohort)s.")
                % {"person": form.cleaned_data["lecturer"], "cohort": cohort},
            )
            return redirect("cohorts:staff", cohort.uuid)
    assignments = cohort.lecturer_assignments.select_related(
        "lecturer", "assigned_by", "ended_by"
    ).order_by("ended_at", "lecturer__family_name", "-assigned_at")
    context = {"cohort": cohort, "form": form, "assignments": assignments}
    return render(request, "cohorts/staff.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(ADMIN)
def staff_end(request: HttpRequest, cohort_uuid, assignment_id: int) -> HttpResponse:
    cohort = get_cohort_for(request.user, cohort_uuid)
    assignment = get_object_or_404(
        LecturerAssignment.objects.current(), cohort=cohort, pk=assignment_id
    )
    services.end_lecturer_assignment(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("%(person)s is no longer assigned to %(cohort)s.")
        % {"person": assignment.lecturer, "cohort": cohort},
    )
    return redirect("cohorts:staff", cohort.uuid)


# --- groups and intervision -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def group_list(request: HttpRequest, cohort_uuid) -> HttpResponse:
    cohort = get_cohort_for(request.user, cohort_uuid)
    admin = is_admin(request.user)
    if request.method == "POST" and not admin:
        raise PermissionDenied
    form = GroupForm(request.POST or None, cohort=cohort) if admin else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            group = services.save_group(group=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Group %(name)s is created.") % {"name": group.name})
            return redirect("cohorts:group", group.uuid)
    groups = (
        groups_visible_to(request.user)
        .filter(cohort=cohort)
        .select_related("facilitator")
        .prefetch_related(
            Prefetch("members", queryset=Enrolment.objects.select_related("student"))
        )
    )
    context = {"cohort": cohort, "groups": groups, "form": form, "is_admin": admin}
    status = 400 if form is not None and form.errors else 200
    return render(request, "cohorts/group_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def group_detail(request: HttpRequest, group_uuid) -> HttpResponse:
    group = get_group_for(request.user, group_uuid)
    admin = is_admin(request.user)
    if request.method == "POST" and not admin:
        raise PermissionDenied
    edit_form = (
        GroupForm(request.POST or None, instance=group, cohort=group.cohort) if admin else None
    )
    if edit_form is not None and request.method == "POST" and edit_form.is_valid():
        try:
            services.save_group(group=edit_form.save(commit=False), by=request.user)
        except ValidationError as error:
            edit_form.add_error(None, error)
        else:
            messages.success(request, _("Group %(name)s is saved.") % {"name": group.name})
            return redirect("cohorts:group", group.uuid)
    members = group.members.select_related("student").order_by(
        "student__family_name", "student__given_name"
    )
    context = {
        "group": group,
        "cohort": group.cohort,
        "members": members,
        "sessions": group.sessions.select_related("method", "case_bringer__student"),
        "is_admin": admin,
        "can_manage": can_manage_group(request.user, group),
        "edit_form": edit_form,
        "members_form": MembersForm(group=group) if admin else None,
        # Staff open a member's enrolment; students see their fellow members' names only.
        "link_members": admin or request.user.is_lecturer,
    }
    status = 400 if edit_form is not None and edit_form.errors else 200
    return render(request, "cohorts/group_detail.html", context, status=status)


@require_POST
@role_required(ADMIN)
def group_members(request: HttpRequest, group_uuid) -> HttpResponse:
    group = get_group_for(request.user, group_uuid)
    form = MembersForm(request.POST, group=group)
    if form.is_valid():
        count = services.add_to_group(
            group=group, enrolments=list(form.cleaned_data["enrolments"]), by=request.user
        )
        messages.success(
            request,
            _("%(count)s students are now in %(group)s.") % {"count": count, "group": group},
        )
    else:
        messages.error(request, _("Select at least one student."))
    return redirect("cohorts:group", group.uuid)


@require_POST
@role_required(ADMIN)
def group_member_remove(request: HttpRequest, group_uuid, enrolment_uuid) -> HttpResponse:
    group = get_group_for(request.user, group_uuid)
    enrolment = get_object_or_404(group.members.select_related("student"), uuid=enrolment_uuid)
    services.remove_from_group(group=group, enrolment=enrolment, by=request.user)
    messages.success(
        request,
        _("%(person)s is no longer in %(group)s.") % {"person": enrolment.student, "group": group},
    )
    return redirect("cohorts:group", group.uuid)


@require_POST
@role_required(ADMIN)
def group_delete(request: HttpRequest, group_uuid) -> HttpResponse:
    group = get_group_for(request.user, group_uuid)
    try:
        services.delete_group(group=group, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("cohorts:group", group.uuid)
    messages.success(request, _("Group %(name)s is deleted.") % {"name": group.name})
    return redirect("cohorts:groups", group.cohort.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def session_create(request: HttpRequest, group_uuid) -> HttpResponse:
    group = get_group_for(request.user, group_uuid)
    if not can_manage_group(request.user, group) or group.kind != Group.Kind.INTERVISION:
        raise PermissionDenied
    session = IntervisionSession(group=group, case_bringer=services.next_case_bringer(group))
    return _session_form(request, group, session)


@require_http_methods(["GET", "POST"])
@login_required
def session_detail(request: HttpRequest, session_uuid) -> HttpResponse:
    session = get_session_for(request.user, session_uuid)
    group = session.group
    if request.method == "POST" or request.GET.get("edit"):
        if not can_manage_group(request.user, group):
            raise PermissionDenied
        return _session_form(request, group, session)
    attendance = session.attendance.select_related("enrolment__student").order_by(
        "enrolment__student__family_name"
    )
    context = {
        "session": session,
        "group": group,
        "cohort": group.cohort,
        "attendance": attendance,
        "can_manage": can_manage_group(request.user, group),
    }
    return render(request, "cohorts/session_detail.html", context)


def _session_form(request: HttpRequest, group: Group, session: IntervisionSession) -> HttpResponse:
    form = SessionForm(request.POST or None, instance=session, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.save_session(
                session=form.save(commit=False),
                attendees=form.cleaned_data["attendees"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The session of %(date)s is saved.") % {"date": session.date}
            )
            return redirect("cohorts:session", session.uuid)
    context = {
        "form": form,
        "group": group,
        "cohort": group.cohort,
        "title": _("Intervision session") if session.pk else _("New intervision session"),
        "session": session if session.pk else None,
    }
    return render(
        request, "cohorts/session_form.html", context, status=400 if form.errors else 200
    )


@require_POST
@login_required
def session_delete(request: HttpRequest, session_uuid) -> HttpResponse:
    session = get_session_for(request.user, session_uuid)
    if not can_manage_group(request.user, session.group):
        raise PermissionDenied
    services.delete_session(session=session, by=request.user)
    messages.success(request, _("The session of %(date)s is deleted.") % {"date": session.date})
    return redirect("cohorts:group", session.group.uuid)


# --- the student's own ----------------------------------------------------------------------


@require_safe
@role_required(Role.STUDENT)
def mine(request: HttpRequest) -> HttpResponse:
    """My enrolments, my groups with fellow members' names, my intervision sessions."""
    enrolments = Enrolment.objects.for_student(request.user).select_related("cohort")
    groups = (
        Group.objects.filter(members__student=request.user)
        .select_related("cohort", "facilitator")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Enrolment.objects.select_related("student").order_by(
                    "student__family_name", "student__given_name"
                ),
            )
        )
    )
    sessions = (
        IntervisionSession.objects.filter(group__members__student=request.user)
        .select_related("group", "method", "case_bringer__student")
        .order_by("-date")
    )
    attended = set(
        Attendance.objects.filter(enrolment__student=request.user).values_list(
            "session_id", flat=True
        )
    )
    hours = sum(
        Attendance.objects.filter(enrolment__student=request.user).values_list("hours", flat=True),
        start=0,
    )
    context = {
        "enrolments": enrolments,
        "groups": groups,
        "sessions": sessions,
        "attended": attended,
        "hours": hours,
    }
    return render(request, "cohorts/mine.html", context)


# --- importing students ---------------------------------------------------------------------


def _get_import(user, import_uuid) -> StudentImport:
    if not is_admin(user):
        raise Http404
    return get_object_or_404(
        StudentImport.objects.select_related("default_cohort"), uuid=import_uuid
    )


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def import_upload(request: HttpRequest) -> HttpResponse:
    initial = {}
    cohort_uuid = request.GET.get("cohort")
    if _is_uuid(cohort_uuid) and (cohort := Cohort.objects.filter(uuid=cohort_uuid).first()):
        initial["default_cohort"] = cohort
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            headers, rows = importing.read_table(upload.name, upload.read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            profile = form.cleaned_data["profile"]
            columns = {
                field: header
                for field, header in (
                    profile.columns if profile else importing.guess_columns(headers)
                ).items()
                if header in headers
            }
            student_import = StudentImport.objects.create(
                filename=upload.name[:200],
                headers=headers,
                rows=rows,
                columns=columns,
                default_cohort=form.cleaned_data["default_cohort"],
                created_by=request.user,
            )
            return redirect("cohorts:import_mapping", student_import.uuid)
    recent = StudentImport.objects.select_related("default_cohort", "created_by")[:10]
    context = {"form": form, "recent": recent}
    return render(
        request, "cohorts/import_upload.html", context, status=400 if form.errors else 200
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def import_mapping(request: HttpRequest, import_uuid) -> HttpResponse:
    student_import = _get_import(request.user, import_uuid)
    if student_import.status == StudentImport.Status.APPLIED:
        return redirect("cohorts:import_preview", student_import.uuid)
    fields = [
        (name, importing.LABELS[name].capitalize(), name in importing.REQUIRED)
        for name in importing.FIELDS
    ]
    form = ImportMappingForm(
        request.POST or None,
        headers=student_import.headers,
        fields=fields,
        initial_columns=student_import.columns,
        initial={"default_cohort": student_import.default_cohort},
    )
    if request.method == "POST" and form.is_valid():
        student_import.columns = form.columns()
        student_import.default_cohort = form.cleaned_data["default_cohort"]
        student_import.save(update_fields=["columns", "default_cohort"])
        if name := form.cleaned_data["save_as"].strip():
            importing.save_profile(name=name, columns=student_import.columns, by=request.user)
            messages.success(
                request, _("The mapping is saved as import profile “%(name)s”.") % {"name": name}
            )
        return redirect("cohorts:import_preview", student_import.uuid)
    sample = student_import.rows[:3]
    context = {"student_import": student_import, "form": form, "sample": sample}
    return render(
        request, "cohorts/import_mapping.html", context, status=400 if form.errors else 200
    )


def _preview_context(student_import: StudentImport) -> dict:
    plans = importing.plan_import(student_import)
    counts = importing.summary_counts(plans)
    return {
        "student_import": student_import,
        "plans": plans,
        "counts": [
            (importing.ACTION_LABELS[action], counts.get(action, 0))
            for action in importing.ACTIONS
        ],
        "refused": counts.get(importing.REFUSED, 0),
        "to_apply": sum(
            count
            for action, count in counts.items()
            if action not in (importing.REFUSED, importing.UNCHANGED)
        ),
        "mapped": [
            (name, importing.LABELS[name])
            for name in importing.FIELDS
            if name in student_import.columns
        ],
        "applied": student_import.status == StudentImport.Status.APPLIED,
    }


@require_safe
@role_required(ADMIN)
def import_preview(request: HttpRequest, import_uuid) -> HttpResponse:
    student_import = _get_import(request.user, import_uuid)
    return render(request, "cohorts/import_preview.html", _preview_context(student_import))


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def import_row(request: HttpRequest, import_uuid, index: int) -> HttpResponse:
    student_import = _get_import(request.user, import_uuid)
    if (
        not 0 <= index < len(student_import.rows)
        or student_import.status != StudentImport.Status.UPLOADED
    ):
        raise Http404
    mapped = [
        (name, importing.LABELS[name].capitalize())
        for name in importing.FIELDS
        if name in student_import.columns
    ]
    plan = importing.plan_import(student_import)[index]
    form = ImportRowForm(request.POST or None, fields=mapped, initial=plan.values)
    preview = reverse("cohorts:import_preview", args=[student_import.uuid])
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_import_row(
                student_import=student_import,
                index=index,
                values=form.cleaned_data,
                by=request.user,
            )
        except ValidationError as error:
            error_messages(request, error)
            return redirect(preview)
        if request.htmx:
            student_import.refresh_from_db()
            context = _preview_context(student_import)
            context["saved_plan"] = context["plans"][index]
            return render(request, "cohorts/import_preview.html", context)
        messages.success(request, _("Row %(row)s is corrected.") % {"row": plan.row_number})
        return redirect(f"{preview}#row-{plan.row_number}")
    context = {
        "student_import": student_import,
        "plan": plan,
        "form": form,
        "columns": len(mapped) + 3,
    }
    template = "cohorts/_import_row_form.html" if request.htmx else "cohorts/import_row.html"
    return render(request, template, context, status=400 if form.errors else 200)


@require_POST
@role_required(ADMIN)
def import_apply(request: HttpRequest, import_uuid) -> HttpResponse:
    student_import = _get_import(request.user, import_uuid)
    # Afterwards, show the cohort the students went to (when they all went to one).
    cohorts = {plan.cohort for plan in importing.plan_import(student_import) if plan.cohort}
    try:
        counts = importing.apply_import(student_import=student_import, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("cohorts:import_preview", student_import.uuid)
    messages.success(
        request,
        _(
            "The import is applied: %(created)s new accounts, %(enrolled)s enrolments of existing "
            "accounts, %(updated)s updated, %(unchanged)s unchanged, %(refused)s refused."
        )
        % {
            "created": counts.get(importing.CREATE, 0),
            "enrolled": counts.get(importing.ENROL, 0),
            "updated": counts.get(importing.UPDATE, 0),
            "unchanged": counts.get(importing.UNCHANGED, 0),
            "refused": counts.get(importing.REFUSED, 0),
        },
    )
    if len(cohorts) == 1:
        return redirect("cohorts:cohort", cohorts.pop().uuid)
    return redirect("cohorts:cohorts")
