"""The thesis project and its milestones: where the research stands, and the pages where the
student hands in versions and the supervisor gives feedback, approves, reopens and moves dates.

Access: ``thesis.access`` fetches each record with the user's capacities on its project
(404 without any); the services decide what each capacity may do (``PermissionDenied``: 403).
After a POST the browser goes back to the milestone page; a refused form is shown again with
what was typed (status 400), so that no feedback or comment is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages
from cohorts.models import Enrolment, SupervisorAssignment
from competencies.models import Assessment
from competencies.uploads import file_response
from curriculum.locking import EditConflict

from .. import services
from ..access import (
    ADMIN,
    READER,
    STUDENT,
    SUPERVISOR,
    get_milestone_for,
    get_project_for,
    get_version_for,
    may_see_milestone,
)
from ..forms.projects import (
    DueDateForm,
    ProjectForm,
    ReopenForm,
    ReviewForm,
    SignOffForm,
    StartProjectForm,
    UploadForm,
)
from ..models import (
    EthicsReview,
    MeetingAction,
    Milestone,
    MilestoneKind,
    SecondReaderAssignment,
    SupervisionMeeting,
    ThesisProject,
    VersionReview,
)

S = Milestone.Status
RECENT_MEETINGS = 3


# --- the student's own project ------------------------------------------------------------------


def _active_enrolment(user) -> Enrolment | None:
    """The student's latest enrolment that is not withdrawn."""
    return (
        Enrolment.objects.for_student(user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort__curriculum_version")
        .order_by("-enrolled_on", "-pk")
        .first()
    )


def _start_context(enrolment: Enrolment | None, form: StartProjectForm | None = None) -> dict:
    can_start = enrolment is not None and enrolment.cohort.curriculum_version_id is not None
    return {
        "enrolment": enrolment,
        "can_start": can_start,
        "form": (form or StartProjectForm()) if can_start else None,
    }


@require_safe
@role_required(Role.STUDENT)
def mine(request: HttpRequest) -> HttpResponse:
    """My thesis: the project if there is one, else the form that starts it."""
    enrolment = _active_enrolment(request.user)
    if enrolment is not None:
        project = ThesisProject.objects.filter(enrolment=enrolment).only("uuid").first()
        if project is not None:
            return redirect("thesis:project", project_uuid=project.uuid)
    return render(request, "thesis/start.html", _start_context(enrolment))


@require_POST
@role_required(Role.STUDENT)
def start(request: HttpRequest) -> HttpResponse:
    enrolment = _active_enrolment(request.user)
    if enrolment is None:
        raise Http404
    form = StartProjectForm(request.POST)
    if form.is_valid():
        try:
            project = services.start_project(
                enrolment=enrolment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your thesis project is started. Its milestones and due dates are below."),
            )
            return redirect("thesis:project", project_uuid=project.uuid)
    return render(request, "thesis/start.html", _start_context(enrolment, form), status=400)


# --- the project page -----------------------------------------------------------------------


def _roles(held: frozenset[str]) -> dict:
    return {
        "is_student": STUDENT in held,
        "is_supervisor": SUPERVISOR in held,
        "is_admin": ADMIN in held,
        "is_reader_only": held == {READER},
        # Student, supervisor and administrators see the working papers of the research.
        "is_party": bool(held & {STUDENT, SUPERVISOR, ADMIN}),
    }


def _timeline(project: ThesisProject, held: frozenset[str], today) -> list[Milestone]:
    milestones = list(
        project.milestones.annotate(latest_version=Max("versions__number")).order_by(
            "position", "due_on"
        )
    )
    for milestone in milestones:
        milestone.visible = may_see_milestone(held, milestone)
        milestone.overdue = milestone.is_overdue(today)
    return milestones


def _due_next(milestones: list[Milestone], today) -> Milestone | None:
    """The next milestone the student has to work on; when everything open is handed in,
    the one waiting longest for the supervisor."""
    open_ = [m for m in milestones if m.status not in (S.APPROVED, S.SUBMITTED)] or [
        m for m in milestones if m.status == S.SUBMITTED
    ]
    if not open_:
        return None
    due = min(open_, key=lambda m: (m.due_on, m.position))
    due.days_left = (due.due_on - today).days
    due.days_overdue = -due.days_left
    return due


def _final_assessment(project: ThesisProject, user) -> dict:
    assessment = services.final_assessment(project)
    if assessment is None:
        return {"final_assessment": None}
    return {
        "final_assessment": assessment,
        "final_result": services.final_assessment_result(project),
        "final_url": (
            reverse("competencies:assessment", args=[assessment.uuid])
            if Assessment.objects.visible_to(user).filter(pk=assessment.pk).exists()
            else None
        ),
    }


@require_safe
@login_required
def project(request: HttpRequest, project_uuid) -> HttpResponse:
    """Where the research stands: the project, what is due next, the timeline, the ethics
    review, recent meetings and the final assessment."""
    project, held = get_project_for(request.user, project_uuid)
    roles = _roles(held)
    today = timezone.localdate()
    milestones = _timeline(project, held, today)
    supervision = (
        SupervisorAssignment.objects.current()
        .filter(enrolment_id=project.enrolment_id)
        .select_related("supervisor")
        .first()
    )
    reading = (
        SecondReaderAssignment.objects.current()
        .filter(project=project)
        .select_related("reader")
        .first()
    )
    context = {
        "project": project,
        "enrolment": project.enrolment,
        "milestones": milestones,
        "due_next": _due_next(milestones, today),
        "supervisor": supervision.supervisor if supervision else None,
        "second_reader": reading.reader if reading else None,
        # The second reader sees the organisation as the thesis may name it.
        "host_name": (
            (
                project.host_organisation.name
                if roles["is_party"]
                else project.host_organisation.display_name
            )
            if project.host_organisation_id
            else ""
        ),
        "can_edit": roles["is_party"],
        **roles,
        **_final_assessment(project, request.user),
    }
    if roles["is_party"]:
        context["ethics_review"] = project.ethics_reviews.current().first()
        context["meetings"] = (
            SupervisionMeeting.objects.filter(project=project)
            .select_related("logged_by")
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=MeetingAction.objects.filter(done=False).select_related("owner"),
                    to_attr="open_actions",
                )
            )
            .order_by("-date", "-pk")[:RECENT_MEETINGS]
        )
    return render(request, "thesis/project.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def project_edit(request: HttpRequest, project_uuid) -> HttpResponse:
    project, held = get_project_for(request.user, project_uuid)
    if not held & {STUDENT, SUPERVISOR, ADMIN}:
        raise Http404
    current_review = project.ethics_reviews.current().first()
    form = ProjectForm(request.POST or None, instance=project)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project=project, by=request.user, **form.values())
        except EditConflict as error:
            form.show_conflict(error, ThesisProject.objects.get(pk=project.pk))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The description of the project is saved."))
            new_review = project.ethics_reviews.current().first()
            if current_review and new_review and new_review.pk != current_review.pk:
                messages.info(
                    request,
                    _(
                        "The research design changed after the ethics review was approved, "
                        "so a new round of the ethics review has started."
                    ),
                )
            return redirect("thesis:project", project_uuid=project.uuid)
    return render(
        request,
        "thesis/project_edit.html",
        {
            "project": project,
            "form": form,
            **_roles(held),
            "ethics_approved": bool(
                current_review and current_review.status == EthicsReview.Status.APPROVED
            ),
        },
        status=status,
    )


# --- the milestone page ---------------------------------------------------------------------


def _milestone_context(
    request: HttpRequest, milestone: Milestone, held: frozenset[str], **forms
) -> dict:
    """Everything the milestone page shows, with the forms the user may use in its state.
    ``forms`` replaces a form by a bound one that was refused."""
    project = milestone.project
    roles = _roles(held)
    student, staff = roles["is_student"], bool(held & {SUPERVISOR, ADMIN})
    versions = list(
        milestone.versions.select_related("uploaded_by")
        .prefetch_related(
            Prefetch(
                "reviews", queryset=VersionReview.objects.select_related("by").order_by("at", "pk")
            )
        )
        .order_by("-number")
    )
    latest = versions[0] if versions else None
    waits_for_ethics = (
        milestone.kind == MilestoneKind.DATA_COLLECTION and not services.ethics_approved(project)
    )
    is_ethics = milestone.kind == MilestoneKind.ETHICS
    is_defence = milestone.kind == MilestoneKind.DEFENCE
    can_start = (
        student
        and milestone.status in (S.NOT_STARTED, S.REVISE)
        and not is_ethics
        and not waits_for_ethics
    )
    can_upload = (
        student and milestone.takes_uploads and not milestone.is_locked and not waits_for_ethics
    )
    can_review = (
        SUPERVISOR in held
        and milestone.status == S.SUBMITTED
        and latest is not None
        and not is_ethics
    )
    can_reopen = staff and milestone.status == S.APPROVED
    can_sign_off = is_defence and staff and milestone.status != S.APPROVED
    context = {
        "milestone": milestone,
        "project": project,
        "versions": versions,
        "latest": latest,
        "events": milestone.events.select_related("by").order_by("-at", "-pk"),
        "overdue": milestone.is_overdue(),
        "waits_for_ethics": waits_for_ethics,
        "is_ethics": is_ethics,
        "is_defence": is_defence,
        "statuses": S,
        "can_start": can_start,
        "upload_form": forms.get("upload_form") or (UploadForm() if can_upload else None),
        "review_form": forms.get("review_form") or (ReviewForm() if can_review else None),
        "reopen_form": forms.get("reopen_form") or (ReopenForm() if can_reopen else None),
        "due_form": forms.get("due_form")
        or (DueDateForm(initial={"due_on": milestone.due_on}) if staff else None),
        "signoff_form": forms.get("signoff_form") or (SignOffForm() if can_sign_off else None),
        **roles,
    }
    if is_ethics and roles["is_party"]:
        context["ethics_review"] = project.ethics_reviews.current().first()
    if is_defence:
        context.update(_final_assessment(project, request.user))
    return context


def _only(held: frozenset[str], *wanted: str) -> None:
    """Refuses (403) a form meant for another capacity before reading its input."""
    if not held & set(wanted):
        raise PermissionDenied


def _milestone_page(request, milestone, held, *, status: int = 200, **forms) -> HttpResponse:
    return render(
        request,
        "thesis/milestone.html",
        _milestone_context(request, milestone, held, **forms),
        status=status,
    )


def _to_milestone(milestone: Milestone) -> HttpResponse:
    return redirect("thesis:milestone", milestone_uuid=milestone.uuid)


@require_safe
@login_required
def milestone(request: HttpRequest, milestone_uuid) -> HttpResponse:
    milestone, held = get_milestone_for(request.user, milestone_uuid)
    return _milestone_page(request, milestone, held)


@require_POST
@login_required
def milestone_start(request: HttpRequest, milestone_uuid) -> HttpResponse:
    milestone, held = get_milestone_for(request.user, milestone_uuid)
    _only(held, STUDENT)
    try:
        services.start_milestone(milestone=milestone, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request, _("%(milestone)s is marked as started.") % {"milestone": milestone.name}
        )
    return _to_milestone(milestone)


@require_POST
@login_required
def version_upload(request: HttpRequest, milestone_uuid) -> HttpResponse:
    milestone, held = get_milestone_for(request.user, milestone_uuid)
    _only(held, STUDENT)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.upload_version(
                milestone=milestone,
                checked_file=form.cleaned_data["file"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(number)s is handed in; your supervisor will review it.")
                % {"number": version.number},
            )
            return _to_milestone(milestone)
    return _milestone_page(request, milestone, held, status=400, upload_form=form)


@require_POST
@login_required
def version_review(request: HttpRequest, version_uuid) -> HttpResponse:
    version, held = get_version_for(request.user, version_uuid)
    _only(held, SUPERVISOR)
    milestone = version.milestone
    form = ReviewForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.review_version(
                version=version,
                decision=decision,
                feedback=form.cleaned_data["feedback"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            milestone.refresh_from_db()
        else:
            if decision == VersionReview.Decision.APPROVED:
                text = _("Version %(number)s is approved; the milestone is locked.")
            else:
                text = _("Your feedback on version %(number)s is sent: the student revises it.")
            messages.success(request, text % {"number": version.number})
            return _to_milestone(milestone)
    return _milestone_page(request, milestone, held, status=400, review_form=form)


@require_POST
@login_required
def milestone_reopen(request: HttpRequest, milestone_uuid) -> HttpResponse:
    milestone, held = get_milestone_for(request.user, milestone_uuid)
    _only(held, SUPERVISOR, ADMIN)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_milestone(
                milestone=milestone, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            milestone.refresh_from_db()
        else:
            messages.success(
                request,
                _("%(milestone)s is reopened: the student can hand in a new version.")
                % {"milestone": milestone.name},
            )
            return _to_milestone(milestone)
    return _milestone_page(request, milestone, held, status=400, reopen_form=form)


@require_POST
@login_required
def milestone_due(request: HttpRequest, milestone_uuid) -> HttpResponse:
    milestone, held = get_milestone_for(request.user, milestone_uuid)
    _only(held, SUPERVISOR, ADMIN)
    form = DueDateForm(request.POST)
    if form.is_valid():
        try:
            services.change_due_date(
                milestone=milestone,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            milestone.refresh_from_db()
        else:
            messages.success(
                request,
                _("The due date of %(milestone)s is now %(date)s.")
                % {
                    "milestone": milestone.name,
                    "date": date_format(form.cleaned_data["due_on"], "DATE_FORMAT"),
                },
            )
            return _to_milestone(milestone)
    return _milestone_page(request, milestone, held, status=400, due_form=form)


@require_POST
@login_required
def defence_sign_off(request: HttpRequest, milestone_uuid) -> HttpResponse:
    milestone, held = get_milestone_for(request.user, milestone_uuid)
    _only(held, SUPERVISOR, ADMIN)
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.sign_off_defence(
                milestone=milestone, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            milestone.refresh_from_db()
        else:
            messages.success(request, _("The defence is signed off: the thesis is completed."))
            return _to_milestone(milestone)
    return _milestone_page(request, milestone, held, status=400, signoff_form=form)


@require_safe
@login_required
def version_file(request: HttpRequest, version_uuid) -> HttpResponse:
    version, _held = get_version_for(request.user, version_uuid)
    return file_response(
        name=version.file.name,
        filename=version.original_name,
        content_type=version.content_type,
    )
