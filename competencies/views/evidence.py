"""Evidence pages, file downloads, feedback requests and the public feedback page.

The student writes; staff assigned to them read the same pages through the enrolment's uuid
(``students/<uuid>/evidence/``) and get 403 on writes. Everyone else gets 404. The public
feedback page needs no account: the link's token is the key, and only its hash is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coachmaster.messages import error_messages
from cohorts.models import Enrolment

from ..access import enrolment_for, is_owner
from ..forms.evidence import (
    EvidenceFilterForm,
    EvidenceForm,
    FeedbackAnswerForm,
    FeedbackRequestForm,
    claim_formset,
    framework_of,
)
from ..models import Evidence, EvidenceClaim, FeedbackRequest, PortfolioEntry
from ..services import evidence as services
from ..services.feedback import threads_about_evidence
from ..uploads import file_response

PER_PAGE = 25
TOKEN_SESSION_KEY = "feedback-link-%s"
MAX_TOKEN_LENGTH = 100


def get_evidence_for(user, evidence_uuid) -> Evidence:
    return get_object_or_404(
        Evidence.objects.visible_to(user).select_related(
            "enrolment__student", "enrolment__cohort", "feedback_request"
        ),
        uuid=evidence_uuid,
    )


def get_feedback_request_for(user, request_uuid) -> FeedbackRequest:
    return get_object_or_404(
        FeedbackRequest.objects.visible_to(user).select_related("enrolment__student"),
        uuid=request_uuid,
    )


def _require_owner(request: HttpRequest, enrolment: Enrolment) -> None:
    if not is_owner(request.user, enrolment):
        raise PermissionDenied


def _list_urls(request: HttpRequest, enrolment: Enrolment) -> dict:
    """Where the evidence and feedback lists of this student are, for this reader."""
    if is_owner(request.user, enrolment):
        return {
            "evidence_list_url": reverse("competencies:evidence_list"),
            "feedback_list_url": reverse("competencies:feedback_list"),
        }
    return {
        "evidence_list_url": reverse("competencies:evidence_student_list", args=[enrolment.uuid]),
        "feedback_list_url": reverse("competencies:feedback_student_list", args=[enrolment.uuid]),
    }


def _page(request: HttpRequest, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- evidence -------------------------------------------------------------------------------


@require_safe
@login_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    return _evidence_list(request, enrolment_for(request))


@require_safe
@login_required
def evidence_student_list(request: HttpRequest, enrolment_uuid) -> HttpResponse:
    return _evidence_list(request, enrolment_for(request, enrolment_uuid))


def _evidence_list(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    filters = EvidenceFilterForm(request.GET or None, enrolment=enrolment)
    claims = Prefetch(
        "claims",
        queryset=EvidenceClaim.objects.select_related("competency", "level").order_by(
            "competency__profile__position", "competency__position", "competency__code"
        ),
    )
    evidence = (
        Evidence.objects.visible_to(request.user)
        .for_enrolment(enrolment)
        .select_related("feedback_request")
        .prefetch_related(claims)
        .order_by("-created_at", "-pk")
    )
    page, query = _page(request, filters.apply(evidence))
    context = {
        "enrolment": enrolment,
        "is_owner": is_owner(request.user, enrolment),
        "filters": filters,
        "page": page,
        "query": query,
        **_list_urls(request, enrolment),
    }
    if request.htmx and request.htmx.target == "evidence-list":
        return render(request, "competencies/evidence/list.html#results", context)
    return render(request, "competencies/evidence/list.html", context)


@require_safe
@login_required
def evidence_detail(request: HttpRequest, evidence_uuid) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_uuid)
    enrolment = evidence.enrolment
    feedback_request = evidence.feedback_request
    context = {
        "evidence": evidence,
        "enrolment": enrolment,
        "is_owner": is_owner(request.user, enrolment),
        "claims": evidence.claims.select_related("competency", "level").order_by(
            "competency__profile__position", "competency__position", "competency__code"
        ),
        "activities": evidence.activities.select_related("kind").order_by("-date"),
        "entries": PortfolioEntry.objects.filter(evidence=evidence)
        .select_related("portfolio__review_moment", "competency")
        .order_by("portfolio__review_moment__position", "competency__code"),
        "feedback_request": feedback_request,
        "feedback_threads": threads_about_evidence(request.user, evidence),
        **_list_urls(request, enrolment),
    }
    return render(request, "competencies/evidence/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def evidence_create(request: HttpRequest) -> HttpResponse:
    enrolment = enrolment_for(request)
    return _evidence_form(request, enrolment, Evidence(enrolment=enrolment))


@require_http_methods(["GET", "POST"])
@login_required
def evidence_edit(request: HttpRequest, evidence_uuid) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_uuid)
    _require_owner(request, evidence.enrolment)
    return _evidence_form(request, evidence.enrolment, evidence)


def _evidence_form(request: HttpRequest, enrolment: Enrolment, evidence: Evidence) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = EvidenceForm(data, files, instance=evidence, enrolment=enrolment)
    claims = claim_formset(data, enrolment=enrolment, evidence=evidence)
    if data is not None and all([form.is_valid(), claims.is_valid()]):
        try:
            evidence = services.save_evidence(
                evidence=form.save(commit=False),
                checked_file=form.cleaned_data.get("upload"),
                remove_file=bool(form.cleaned_data.get("remove_file")),
                claims=claims.claims(),
                activities=form.cleaned_data["activities"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": evidence.title})
            return redirect("competencies:evidence_detail", evidence.uuid)
    context = {
        "form": form,
        "claims": claims,
        "evidence": evidence if evidence.pk else None,
        "enrolment": enrolment,
        "has_framework": framework_of(enrolment) is not None,
        "title": evidence.title if evidence.pk else _("New evidence"),
        **_list_urls(request, enrolment),
    }
    status = 400 if form.errors or claims.total_error_count() else 200
    return render(request, "competencies/evidence/form.html", context, status=status)


@require_POST
@login_required
def evidence_delete(request: HttpRequest, evidence_uuid) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_uuid)
    _require_owner(request, evidence.enrolment)
    try:
        services.delete_evidence(evidence=evidence, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("competencies:evidence_detail", evidence.uuid)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": evidence.title})
    return redirect("competencies:evidence_list")


@require_safe
@login_required
def evidence_download(request: HttpRequest, evidence_uuid) -> HttpResponse:
    evidence = get_evidence_for(request.user, evidence_uuid)
    if not evidence.file:
        raise Http404
    return file_response(
        name=evidence.file.name,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


# --- feedback requests (the student's side) -------------------------------------------------


@require_safe
@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    return _feedback_list(request, enrolment_for(request))


@require_safe
@login_required
def feedback_student_list(request: HttpRequest, enrolment_uuid) -> HttpResponse:
    return _feedback_list(request, enrolment_for(request, enrolment_uuid))


def _feedback_list(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    requests = (
        FeedbackRequest.objects.visible_to(request.user)
        .filter(enrolment=enrolment)
        .select_related("answer", "engagement")
        .order_by("-created_at", "-pk")
    )
    page, query = _page(request, requests)
    context = {
        "enrolment": enrolment,
        "is_owner": is_owner(request.user, enrolment),
        "page": page,
        "query": query,
        "states": FeedbackRequest.State,
        **_list_urls(request, enrolment),
    }
    return render(request, "competencies/evidence/feedback_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def feedback_create(request: HttpRequest) -> HttpResponse:
    enrolment = enrolment_for(request)
    form = FeedbackRequestForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_request, token = services.create_feedback_request(
                enrolment=enrolment,
                recipient_label=data["recipient_label"],
                relation=data["relation"],
                questions=data["questions"],
                engagement=data["engagement"],
                competencies=data["competencies"],
                expires_in_days=data["expires_in_days"],
                email=data["email"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown once, on the next page; the database keeps only its hash.
            request.session[TOKEN_SESSION_KEY % feedback_request.uuid] = token
            if data["email"]:
                messages.success(request, _("The link is on its way by e-mail."))
            return redirect("competencies:feedback_created", feedback_request.uuid)
    context = {"form": form, "enrolment": enrolment, **_list_urls(request, enrolment)}
    return render(
        request,
        "competencies/evidence/feedback_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def feedback_created(request: HttpRequest, request_uuid) -> HttpResponse:
    feedback_request = get_feedback_request_for(request.user, request_uuid)
    _require_owner(request, feedback_request.enrolment)
    token = request.session.pop(TOKEN_SESSION_KEY % feedback_request.uuid, None)
    if token is None:
        messages.info(
            request,
            _(
                "A feedback link is shown only once. If you lost it, revoke the request and "
                "make a new one."
            ),
        )
        return redirect("competencies:feedback_list")
    context = {
        "feedback_request": feedback_request,
        "link": services.feedback_link(token),
        **_list_urls(request, feedback_request.enrolment),
    }
    response = render(request, "competencies/evidence/feedback_created.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def feedback_revoke(request: HttpRequest, request_uuid) -> HttpResponse:
    feedback_request = get_feedback_request_for(request.user, request_uuid)
    _require_owner(request, feedback_request.enrolment)
    try:
        services.revoke_feedback_request(feedback_request=feedback_request, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The link for %(who)s no longer works.") % {"who": feedback_request.recipient_label},
        )
    return redirect("competencies:feedback_list")


# --- the public feedback page ---------------------------------------------------------------


def _public(response: HttpResponse) -> HttpResponse:
    # The token is in the address: never send it on, never keep the page anywhere.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _closed(request: HttpRequest, feedback_request: FeedbackRequest) -> HttpResponse:
    context = {"state": feedback_request.state, "states": FeedbackRequest.State}
    return _public(
        render(request, "competencies/evidence/feedback_closed.html", context, status=410)
    )


@require_http_methods(["GET", "POST"])
def feedback_answer(request: HttpRequest, token: str) -> HttpResponse:
    """For the person asked: no account, just the link. Shows the student's given name only."""
    feedback_request = None
    if len(token) <= MAX_TOKEN_LENGTH:
        feedback_request = (
            FeedbackRequest.objects.for_token(token).select_related("enrolment__student").first()
        )
    if feedback_request is None:
        raise Http404
    if not feedback_request.is_open:
        return _closed(request, feedback_request)
    own_link = is_owner(request.user, feedback_request.enrolment)
    if own_link and request.method == "POST":
        raise PermissionDenied
    form = FeedbackAnswerForm(
        request.POST if request.method == "POST" else None,
        questions=feedback_request.question_list,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_feedback_request(
                token=token,
                answers=form.answers(),
                respondent_role=form.cleaned_data["respondent_role"],
            )
        except FeedbackRequest.DoesNotExist as error:
            raise Http404 from error
        except services.FeedbackLinkClosed:
            feedback_request.refresh_from_db()
            return _closed(request, feedback_request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context = {"given_name": feedback_request.enrolment.student.given_name}
            return _public(render(request, "competencies/evidence/feedback_thanks.html", context))
    context = {
        "form": form,
        "given_name": feedback_request.enrolment.student.given_name,
        "expires_at": feedback_request.expires_at,
        "own_link": own_link,
    }
    status = 400 if form.errors else 200
    return _public(
        render(request, "competencies/evidence/feedback_answer.html", context, status=status)
    )


urlpatterns = [
    path("evidence/", evidence_list, name="evidence_list"),
    path("evidence/new/", evidence_create, name="evidence_create"),
    path("evidence/feedback/", feedback_list, name="feedback_list"),
    path("evidence/feedback/new/", feedback_create, name="feedback_create"),
    path("evidence/feedback/<uuid:request_uuid>/link/", feedback_created, name="feedback_created"),
    path("evidence/feedback/<uuid:request_uuid>/revoke/", feedback_revoke, name="feedback_revoke"),
    path("evidence/<uuid:evidence_uuid>/", evidence_detail, name="evidence_detail"),
    path("evidence/<uuid:evidence_uuid>/edit/", evidence_edit, name="evidence_edit"),
    path("evidence/<uuid:evidence_uuid>/delete/", evidence_delete, name="evidence_delete"),
    path("evidence/<uuid:evidence_uuid>/download/", evidence_download, name="evidence_download"),
    path(
        "students/<uuid:enrolment_uuid>/evidence/",
        evidence_student_list,
        name="evidence_student_list",
    ),
    path(
        "students/<uuid:enrolment_uuid>/feedback/",
        feedback_student_list,
        name="feedback_student_list",
    ),
    path("feedback/<str:token>/", feedback_answer, name="feedback_answer"),
]
