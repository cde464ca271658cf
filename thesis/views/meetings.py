"""Supervision meetings: the list of a project's meetings with their agreed actions, logging
a meeting, editing one, adding actions and ticking them off (htmx or a plain form).

Meetings are between the student and the supervisor; administrators may read them, the
second reader has no access (404, ``access.get_meeting_for``). Only the student and the
supervisor write (403 for an administrator); ``thesis.services`` enforces it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cohorts.models import SupervisorAssignment
from curriculum.locking import EditConflict

from .. import services
from ..access import READER, STUDENT, SUPERVISOR, get_action_for, get_meeting_for, get_project_for
from ..forms.meetings import ActionForm, MeetingEditForm, MeetingForm, action_forms
from ..models import MeetingAction, SupervisionMeeting, ThesisProject

WRITERS = {STUDENT, SUPERVISOR}


def _get_project(user, project_uuid) -> tuple[ThesisProject, frozenset[str]]:
    """The project for its meetings: the second reader gets 404."""
    project, held = get_project_for(user, project_uuid)
    held = held - {READER}
    if not held:
        raise Http404
    return project, held


def _owners(project: ThesisProject) -> list:
    """Who can own an action: the student and the current supervisor."""
    owners = [project.enrolment.student]
    assignment = (
        SupervisorAssignment.objects.current()
        .filter(enrolment_id=project.enrolment_id)
        .select_related("supervisor")
        .first()
    )
    if assignment is not None:
        owners.append(assignment.supervisor)
    return owners


def _actions():
    return MeetingAction.objects.select_related("owner").order_by(
        "done", F("due_on").asc(nulls_last=True), "pk"
    )


# --- the list -----------------------------------------------------------------------------------


@require_safe
@login_required
def meetings(request: HttpRequest, project_uuid) -> HttpResponse:
    project, held = _get_project(request.user, project_uuid)
    project_meetings = (
        project.meetings.select_related("logged_by")
        .prefetch_related(Prefetch("actions", queryset=_actions()))
        .order_by("-date", "-pk")
    )
    open_actions = (
        _actions()
        .filter(meeting__project=project, done=False)
        .select_related("meeting")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    return render(
        request,
        "thesis/meetings/list.html",
        {
            "project": project,
            "meetings": project_meetings,
            "open_actions": open_actions,
            "can_write": bool(held & WRITERS),
        },
    )


# --- logging a meeting --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_new(request: HttpRequest, project_uuid) -> HttpResponse:
    project, held = _get_project(request.user, project_uuid)
    if not held & WRITERS:
        raise PermissionDenied
    owners = _owners(project)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data)
    rows = action_forms(data, owners=owners)
    if data is not None:
        checked = [form.is_valid()] + [row.is_valid() for row in rows]  # every row's errors
        if all(checked):
            actions = [action for row in rows if (action := row.action()) is not None]
            try:
                meeting = services.log_meeting(
                    project=project,
                    date=form.cleaned_data["date"],
                    notes=form.cleaned_data["notes"],
                    actions=actions,
                    by=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The meeting is logged."))
                return redirect("thesis:meeting", meeting.uuid)
    return render(
        request,
        "thesis/meetings/new.html",
        {"project": project, "form": form, "rows": rows},
        status=400 if data is not None else 200,
    )


# --- one meeting --------------------------------------------------------------------------------


def _meeting_page(
    request: HttpRequest,
    meeting: SupervisionMeeting,
    held: frozenset[str],
    *,
    form: MeetingEditForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_write = bool(held & WRITERS)
    if can_write:
        form = form or MeetingEditForm(
            initial={"date": meeting.date, "notes": meeting.notes, "version": meeting.version}
        )
        action_form = action_form or ActionForm(owners=_owners(meeting.project))
    return render(
        request,
        "thesis/meetings/meeting.html",
        {
            "meeting": meeting,
            "project": meeting.project,
            "actions": _actions().filter(meeting=meeting),
            "can_write": can_write,
            "form": form,
            "action_form": action_form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting(request: HttpRequest, meeting_uuid) -> HttpResponse:
    meeting, held = get_meeting_for(request.user, meeting_uuid)
    if request.method != "POST":
        return _meeting_page(request, meeting, held)
    if not held & WRITERS:
        raise PermissionDenied
    form = MeetingEditForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.update_meeting(
                meeting=meeting,
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
                by=request.user,
                version=form.opened_version,
            )
        except EditConflict as error:
            form.show_conflict(error, SupervisionMeeting.objects.get(pk=meeting.pk))
            status = 409
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("thesis:meeting", meeting.uuid)
    return _meeting_page(request, meeting, held, form=form, status=status)


@require_POST
@login_required
def action_add(request: HttpRequest, meeting_uuid) -> HttpResponse:
    meeting, held = get_meeting_for(request.user, meeting_uuid)
    if not held & WRITERS:
        raise PermissionDenied
    form = ActionForm(request.POST, owners=_owners(meeting.project))
    if form.is_valid():
        try:
            services.add_action(meeting=meeting, action=form.action(), by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The action is added."))
            return redirect("thesis:meeting", meeting.uuid)
    return _meeting_page(request, meeting, held, action_form=form, status=400)


@require_POST
@login_required
def action_done(request: HttpRequest, action_uuid) -> HttpResponse:
    """Ticks an action off (done=1) or on again (done=0). With htmx: the row; else back to the
    meeting."""
    action, held = get_action_for(request.user, action_uuid)
    if not held & WRITERS:
        raise PermissionDenied
    value = request.POST.get("done")
    if value not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether the action is done."))
    services.set_action_done(action=action, done=value == "1", by=request.user)
    if request.htmx:
        return render(
            request,
            "thesis/meetings/_actions.html#action_row",
            {"action": action, "can_write": True},
        )
    if action.done:
        messages.success(request, _("The action is done."))
    else:
        messages.success(request, _("The action is open again."))
    return redirect(reverse("thesis:meeting", args=[action.meeting.uuid]))
