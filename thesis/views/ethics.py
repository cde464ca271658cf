"""The ethics and informed-consent review: the student's checklist, the decision by the
supervisor (low risk) or a programme ethics reviewer (higher risk), referring, new rounds after
a design change, the queue of reviews waiting, and the appointment of ethics reviewers.

Who sees a review: ``access.get_ethics_review_for`` (student, supervisor, administrators, and
ethics reviewers for the submitted reviews routed to them; anybody else 404). Who may do what
is decided in ``thesis.services``; the views only offer the forms that apply.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages

from .. import ethics as checklist
from .. import services
from ..access import STUDENT, SUPERVISOR, get_ethics_review_for, is_admin
from ..access import is_ethics_reviewer as _is_ethics_reviewer
from ..forms.ethics import AppointForm, ChecklistForm, DecisionForm, ReferForm, ReviseForm
from ..models import EthicsReview, EthicsReviewerAppointment, RiskClass

ETHICS_REVIEWER = "ethics_reviewer"
Status, Route = EthicsReview.Status, EthicsReview.Route


# --- one review ---------------------------------------------------------------------------------


def _preview(answers: dict) -> dict:
    """What the answers give so far: the concerns, and the risk class and route once complete."""
    complete = not checklist.unanswered(answers)
    risk = checklist.risk_class(answers) if complete else None
    return {
        "complete": complete,
        "risk_class": risk,
        "route": checklist.route_for(risk) if risk else None,
        "concerns": checklist.concerns(answers),
        "open_count": len(checklist.unanswered(answers)),
    }


def _preview_context(answers: dict) -> dict:
    preview = _preview(answers)
    return {
        "preview": preview,
        "preview_risk": RiskClass(preview["risk_class"]).label if preview["risk_class"] else "",
        "preview_route": Route(preview["route"]).label if preview["route"] else "",
    }


def _earlier_rounds(review: EthicsReview, held: frozenset[str]):
    rounds = (
        review.project.ethics_reviews.exclude(pk=review.pk)
        .select_related("decided_by")
        .order_by("-number")
    )
    if not held - {ETHICS_REVIEWER}:
        # An ethics reviewer sees only the rounds that were sent to ethics reviewers.
        rounds = rounds.filter(route=Route.ETHICS_REVIEWER, submitted_at__isnull=False)
    return rounds


def _context(
    request: HttpRequest,
    review: EthicsReview,
    held: frozenset[str],
    *,
    form: ChecklistForm | None = None,
    decision_form: DecisionForm | None = None,
    refer_form: ReferForm | None = None,
    revise_form: ReviseForm | None = None,
) -> dict:
    user = request.user
    editable = STUDENT in held and review.is_editable
    if editable and form is None:
        form = ChecklistForm(initial=ChecklistForm.initial_for(review))
    if form is not None and form.is_bound and hasattr(form, "cleaned_data"):
        answers = {k: v for k, v in form.answers().items() if v}
    else:
        answers = review.answers
    may_decide = services.may_decide_ethics(user, review)
    may_refer = (
        review.status == Status.SUBMITTED
        and review.route == Route.SUPERVISOR
        and SUPERVISOR in held
    )
    may_revise = review.status == Status.APPROVED and bool(held & {STUDENT, SUPERVISOR})
    project = review.project
    current = None
    if review.status == Status.SUPERSEDED and held - {ETHICS_REVIEWER}:
        current = project.ethics_reviews.current().first()
    answered = {q.key: review.answers.get(q.key) for q in checklist.QUESTIONS}
    return {
        "review": review,
        "project": project,
        "student": project.enrolment.student,
        "held": held,
        "sees_project": bool(held - {ETHICS_REVIEWER}),
        "is_student": STUDENT in held,
        "editable": editable,
        "form": form,
        "questions": [
            (q, answered[q.key], answered[q.key] == q.concern) for q in checklist.QUESTIONS
        ],
        "statuses": Status,
        "routes": Route,
        "rounds": _earlier_rounds(review, held),
        "current": current,
        "may_decide": may_decide,
        "decision_form": decision_form or (DecisionForm() if may_decide else None),
        "may_refer": may_refer,
        "refer_form": refer_form or (ReferForm() if may_refer else None),
        "may_revise": may_revise,
        "revise_form": revise_form or (ReviseForm() if may_revise else None),
        **_preview_context(answers),
    }


def _page(request: HttpRequest, review, held, *, status: int = 200, **forms) -> HttpResponse:
    return render(
        request,
        "thesis/ethics/review.html",
        _context(request, review, held, **forms),
        status=status,
    )


def _review_url(review: EthicsReview) -> str:
    return reverse("thesis:ethics", args=[review.uuid])


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ethics(request: HttpRequest, review_uuid) -> HttpResponse:
    """The checklist: the student fills it in; everybody else who may see it reads it. With
    htmx, a GET with the checklist's answers returns the risk preview only."""
    review, held = get_ethics_review_for(request.user, review_uuid)
    if request.method == "POST":
        return _save(request, review, held, submit=False)
    if request.htmx and request.htmx.target == "risk-preview":
        form = ChecklistForm(request.GET)
        form.is_valid()
        answers = {k: v for k, v in form.answers().items() if v}
        return render(request, "thesis/ethics/review.html#risk_preview", _preview_context(answers))
    return _page(request, review, held)


@require_POST
@login_required
def ethics_submit(request: HttpRequest, review_uuid) -> HttpResponse:
    """Saves the checklist as typed and sends it to whoever decides."""
    review, held = get_ethics_review_for(request.user, review_uuid)
    return _save(request, review, held, submit=True)


def _save(request: HttpRequest, review: EthicsReview, held, *, submit: bool) -> HttpResponse:
    if STUDENT not in held:
        raise PermissionDenied
    if not review.is_editable:
        messages.error(request, _("This round of the ethics review can no longer be changed."))
        return redirect(_review_url(review))
    form = ChecklistForm(request.POST)
    if not form.is_valid():
        return _page(request, review, held, form=form, status=400)
    try:
        services.save_ethics_answers(
            review=review,
            answers=form.answers(),
            consent_procedure=form.cleaned_data["consent_procedure"],
            data_management=form.cleaned_data["data_management"],
            by=request.user,
        )
        if submit:
            services.submit_ethics(review=review, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _page(request, review, held, form=form, status=400)
    if submit:
        if review.route == Route.SUPERVISOR:
            messages.success(
                request, _("Your ethics review is submitted. Your supervisor decides on it.")
            )
        else:
            messages.success(
                request,
                _("Your ethics review is submitted. A programme ethics reviewer decides on it."),
            )
    else:
        messages.success(request, _("Your answers are saved."))
    return redirect(_review_url(review))


@require_POST
@login_required
def ethics_decide(request: HttpRequest, review_uuid) -> HttpResponse:
    review, held = get_ethics_review_for(request.user, review_uuid)
    if not services.may_decide_ethics(request.user, review):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, review, held, decision_form=form, status=400)
    try:
        services.decide_ethics(
            review=review, approve=form.approve, note=form.cleaned_data["note"], by=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _page(request, review, held, decision_form=form, status=400)
    if form.approve:
        messages.success(request, _("The ethics review is approved."))
    else:
        messages.success(request, _("The student is asked to change the ethics review."))
    return redirect(_review_url(review))


@require_POST
@login_required
def ethics_refer(request: HttpRequest, review_uuid) -> HttpResponse:
    review, held = get_ethics_review_for(request.user, review_uuid)
    if not (
        SUPERVISOR in held
        and review.status == Status.SUBMITTED
        and review.route == Route.SUPERVISOR
    ):
        raise PermissionDenied
    form = ReferForm(request.POST)
    if not form.is_valid():
        return _page(request, review, held, refer_form=form, status=400)
    services.refer_ethics(review=review, note=form.cleaned_data["note"], by=request.user)
    messages.success(request, _("The review is sent to the programme ethics reviewers."))
    return redirect(_review_url(review))


@require_POST
@login_required
def ethics_revise(request: HttpRequest, review_uuid) -> HttpResponse:
    review, held = get_ethics_review_for(request.user, review_uuid)
    if not held & {STUDENT, SUPERVISOR}:
        raise PermissionDenied
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _page(request, review, held, revise_form=form, status=400)
    try:
        new = services.revise_ethics(
            review=review, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        error_messages(request, error)
        return redirect(_review_url(review))
    messages.success(
        request,
        _("A new round of the ethics review has started: the changed design needs approval."),
    )
    return redirect(_review_url(new))


# --- the queue ----------------------------------------------------------------------------------


@require_safe
@login_required
def ethics_queue(request: HttpRequest) -> HttpResponse:
    """Reviews waiting for a decision: ethics reviewers see the ones routed to them, supervisors
    the low-risk ones of their supervisees, administrators all of them."""
    user = request.user
    admin = is_admin(user)
    reviewer = _is_ethics_reviewer(user)
    supervisor = bool(user.is_supervisor)
    if not (admin or reviewer or supervisor):
        raise PermissionDenied
    reviews = EthicsReview.objects.waiting().select_related(
        "project__enrolment__student", "project__enrolment__cohort"
    )
    if not admin:
        reviews = reviews.filter(pk__in=EthicsReview.objects.waiting_for(user).values("pk"))
    today = timezone.localdate()
    rows = list(reviews.order_by("submitted_at", "pk"))
    for review in rows:
        review.days_waiting = (today - timezone.localtime(review.submitted_at).date()).days
    return render(
        request,
        "thesis/ethics/queue.html",
        {
            "reviews": rows,
            "is_admin": admin,
            "is_reviewer": reviewer,
            "is_supervisor": supervisor,
        },
    )


# --- ethics reviewers ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.PROGRAMME_ADMIN)
def ethics_reviewers(request: HttpRequest) -> HttpResponse:
    appointments = EthicsReviewerAppointment.objects.select_related(
        "reviewer", "assigned_by", "ended_by"
    )
    current = [a for a in appointments if a.ended_at is None]
    ended = sorted(
        (a for a in appointments if a.ended_at is not None),
        key=lambda a: a.ended_at,
        reverse=True,
    )
    form = AppointForm(
        request.POST if request.method == "POST" else None,
        current_ids=[a.reviewer_id for a in current],
    )
    if request.method == "POST":
        if form.is_valid():
            person = form.cleaned_data["user"]
            try:
                services.appoint_ethics_reviewer(user=person, by=request.user)
            except ValidationError as error:
                form.add_error("user", error)
            else:
                messages.success(
                    request,
                    _("%(person)s is now a programme ethics reviewer.")
                    % {"person": person.get_full_name()},
                )
                return redirect("thesis:ethics_reviewers")
        status = 400
    else:
        status = 200
    return render(
        request,
        "thesis/ethics/reviewers.html",
        {"current": current, "ended": ended, "form": form},
        status=status,
    )


@require_POST
@role_required(Role.PROGRAMME_ADMIN)
def ethics_reviewer_end(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        EthicsReviewerAppointment.objects.select_related("reviewer"), pk=appointment_id
    )
    if appointment.ended_at is None:
        services.end_ethics_reviewer(appointment=appointment, by=request.user)
        messages.success(
            request,
            _("%(person)s is no longer a programme ethics reviewer.")
            % {"person": appointment.reviewer.get_full_name()},
        )
    return redirect("thesis:ethics_reviewers")
