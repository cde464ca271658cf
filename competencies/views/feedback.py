"""Formative feedback threads: a student asks one of their lecturers about a piece of evidence
or their draft self-assessment, and the two exchange messages.

Who sees what: ``FeedbackThread.objects.visible_to`` (the student, the lecturer asked,
administrators; anybody else 404). Only the student and the lecturer write (403 for an
administrator); the rules are in ``services.feedback``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from coachmaster.messages import error_messages
from cohorts.models import Enrolment

from ..access import get_feedback_thread_for, is_owner
from ..forms.feedback import AskFeedbackForm, ReplyForm, ThreadFilterForm
from ..models import Evidence, FeedbackThread, Portfolio
from ..services import feedback as services
from ..services.assessment import is_admin
from .evidence import get_evidence_for
from .portfolio import get_portfolio_for

PER_PAGE = 25


# --- the list -------------------------------------------------------------------------------


@require_safe
@login_required
def feedback_threads(request: HttpRequest) -> HttpResponse:
    """Students: their questions. Lecturers: the questions asked of them, open ones first.
    Administrators: every thread, filtered by cohort."""
    admin = is_admin(request.user)
    filters = ThreadFilterForm(request.GET or None, with_cohorts=admin)
    threads = services.in_queue_order(
        services.with_last_message(
            FeedbackThread.objects.visible_to(request.user).select_related(
                "enrolment__student",
                "enrolment__cohort",
                "lecturer",
                "evidence",
                "portfolio__review_moment",
            )
        )
    )
    page = Paginator(filters.apply(threads), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "is_admin": admin,
        # Columns: staff see who asked; students see whom they asked.
        "show_student": admin or request.user.is_lecturer,
        "show_lecturer": admin or request.user.is_student,
        "statuses": FeedbackThread.Status,
    }
    if request.htmx and request.htmx.target == "thread-list":
        return render(request, "competencies/feedback/threads.html#results", context)
    return render(request, "competencies/feedback/threads.html", context)


# --- one thread -----------------------------------------------------------------------------


def _about_url(user, thread: FeedbackThread) -> str | None:
    """The page of the evidence or portfolio the thread is about, if ``user`` may see it."""
    if thread.evidence_id:
        if Evidence.objects.visible_to(user).filter(pk=thread.evidence_id).exists():
            return reverse("competencies:evidence_detail", args=[thread.evidence.uuid])
        return None
    if Portfolio.objects.visible_to(user).filter(pk=thread.portfolio_id).exists():
        return reverse("competencies:portfolio", args=[thread.portfolio.uuid])
    return None


def _with_moment(thread: FeedbackThread) -> FeedbackThread:
    """Loads the review moment of a thread about a portfolio (its name says what it is about)."""
    if thread.portfolio_id:
        thread.portfolio = Portfolio.objects.select_related("review_moment").get(
            pk=thread.portfolio_id
        )
    return thread


def _thread_context(request: HttpRequest, thread: FeedbackThread, form=None) -> dict:
    party = services.is_party(request.user, thread)
    open_ = thread.status != FeedbackThread.Status.CLOSED
    return {
        "thread": thread,
        "enrolment": thread.enrolment,
        "thread_messages": thread.messages.select_related("author").order_by("created_at", "pk"),
        "about": services.about_label(thread),
        "about_url": _about_url(request.user, thread),
        "is_student": request.user.pk == thread.enrolment.student_id,
        "can_write": party and open_,
        "form": form or (ReplyForm() if party and open_ else None),
        "statuses": FeedbackThread.Status,
    }


@require_safe
@login_required
def feedback_thread(request: HttpRequest, thread_uuid) -> HttpResponse:
    thread = _with_moment(get_feedback_thread_for(request.user, thread_uuid))
    return render(request, "competencies/feedback/thread.html", _thread_context(request, thread))


@require_POST
@login_required
def feedback_reply(request: HttpRequest, thread_uuid) -> HttpResponse:
    thread = get_feedback_thread_for(request.user, thread_uuid)
    if not services.is_party(request.user, thread):
        raise PermissionDenied
    thread_url = reverse("competencies:feedback_thread", args=[thread.uuid])
    form = ReplyForm(request.POST)
    message = None
    if form.is_valid():
        try:
            message = services.reply(
                thread=thread, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as error:
            thread.refresh_from_db(fields=["status", "updated_at"])
            if thread.status == FeedbackThread.Status.CLOSED:
                # Closed meanwhile: the page says so, and offers no form any more.
                error_messages(request, error)
                return _to_thread(request, thread_url)
            form.add_error("text", error)
    _with_moment(thread)
    if message is not None:
        if not request.htmx:
            messages.success(request, _("Your message is sent."))
            return redirect(f"{thread_url}#message-{message.pk}")
        context = _thread_context(request, thread)
        context.update(message=message, sent=True)
        return render(request, "competencies/feedback/reply_sent.html", context)
    context = _thread_context(request, thread, form=form)
    if request.htmx:
        return render(request, "competencies/feedback/thread.html#reply", context)
    return render(request, "competencies/feedback/thread.html", context, status=400)


def _to_thread(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@login_required
def feedback_close(request: HttpRequest, thread_uuid) -> HttpResponse:
    thread = get_feedback_thread_for(request.user, thread_uuid)
    if not services.is_party(request.user, thread):
        raise PermissionDenied
    try:
        services.close_thread(thread=thread, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The conversation is closed. It stays readable; new questions start a new one."),
        )
    return _to_thread(request, reverse("competencies:feedback_thread", args=[thread.uuid]))


# --- asking ---------------------------------------------------------------------------------


def _ask(
    request: HttpRequest,
    *,
    enrolment: Enrolment,
    evidence: Evidence | None = None,
    portfolio: Portfolio | None = None,
    subject: str,
    back_url: str,
) -> HttpResponse:
    lecturers = list(services.current_lecturers(enrolment))
    form = AskFeedbackForm(
        request.POST if request.method == "POST" else None,
        lecturers=lecturers,
        initial={"subject": subject[: services.MAX_SUBJECT_LENGTH]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.ask_feedback(
                enrolment=enrolment,
                lecturer=form.cleaned_data["lecturer"],
                subject=form.cleaned_data["subject"],
                question=form.cleaned_data["question"],
                evidence=evidence,
                portfolio=portfolio,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your question is sent to %(name)s.")
                % {"name": form.cleaned_data["lecturer"].get_full_name()},
            )
            return redirect("competencies:feedback_thread", thread.uuid)
    context = {
        "form": form,
        "enrolment": enrolment,
        "evidence": evidence,
        "portfolio": portfolio,
        "has_lecturers": bool(lecturers),
        "back_url": back_url,
        "is_owner": True,
    }
    status = 400 if form.errors else 200
    return render(request, "competencies/feedback/ask.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_feedback_ask(request: HttpRequest, evidence_uuid) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_uuid)
    if not is_owner(request.user, evidence.enrolment):
        raise PermissionDenied
    return _ask(
        request,
        enrolment=evidence.enrolment,
        evidence=evidence,
        subject=evidence.title,
        back_url=reverse("competencies:evidence_detail", args=[evidence.uuid]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def portfolio_feedback_ask(request: HttpRequest, portfolio_uuid) -> HttpResponse:
    portfolio = get_portfolio_for(request.user, portfolio_uuid)
    if not is_owner(request.user, portfolio.enrolment):
        raise PermissionDenied
    back_url = reverse("competencies:portfolio", args=[portfolio.uuid])
    if not portfolio.is_editable:
        messages.error(
            request,
            _(
                "This portfolio is submitted: feedback from a lecturer can be asked only "
                "before it is submitted."
            ),
        )
        return redirect(back_url)
    return _ask(
        request,
        enrolment=portfolio.enrolment,
        portfolio=portfolio,
        subject=_("My self-assessment for %(moment)s") % {"moment": portfolio.review_moment.name},
        back_url=back_url,
    )


urlpatterns = [
    path("feedback-threads/", feedback_threads, name="feedback_threads"),
    path("feedback-threads/<uuid:thread_uuid>/", feedback_thread, name="feedback_thread"),
    path("feedback-threads/<uuid:thread_uuid>/reply/", feedback_reply, name="feedback_reply"),
    path("feedback-threads/<uuid:thread_uuid>/close/", feedback_close, name="feedback_close"),
    path(
        "evidence/<uuid:evidence_uuid>/ask-feedback/",
        evidence_feedback_ask,
        name="evidence_feedback_ask",
    ),
    path(
        "portfolios/<uuid:portfolio_uuid>/ask-feedback/",
        portfolio_feedback_ask,
        name="portfolio_feedback_ask",
    ),
]
