"""Privacy pages: the public privacy and accessibility statements; one's own data (export,
erasure request); for administrators the page per person, erasure requests, retention rules
and the log of retention runs.

The export page polls the export row (``hx-trigger="every 1s"``) until it is finished.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages
from cohorts.models import Enrolment
from competencies.uploads import file_response

from . import services
from .access import get_erasure_request_for, get_export_for, get_person_for, get_rule_for
from .forms import ErasureRequestForm, RetentionRuleForm
from .models import DataExport, ErasureRequest, RetentionRule, RetentionRun
from .retention import CATEGORIES, ORDER

ADMIN = Role.PROGRAMME_ADMIN
# When the accessibility of the platform was last evaluated (shown on the statement).
ACCESSIBILITY_REVIEWED_ON = datetime.date(2025, 6, 1)


def _rules() -> list[RetentionRule]:
    return sorted(
        (rule for rule in RetentionRule.objects.all() if rule.category in CATEGORIES),
        key=lambda rule: ORDER[rule.category],
    )


# --- public statements ---------------------------------------------------------------------


@require_safe
@login_not_required
def statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/statement.html",
        {
            "rules": _rules(),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "processors": settings.PRIVACY_PROCESSORS,
        },
    )


@require_safe
@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/accessibility.html",
        {
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
            "reviewed_on": ACCESSIBILITY_REVIEWED_ON,
        },
    )


# --- one's own data ------------------------------------------------------------------------


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "privacy/mine.html",
        {
            "exports": DataExport.objects.filter(subject=user).select_related("requested_by")[:10],
            "requests": ErasureRequest.objects.filter(subject=user),
            "open_request": ErasureRequest.objects.filter(
                subject=user, status=ErasureRequest.Status.OPEN
            ).exists(),
            "form": ErasureRequestForm(),
            "statuses": DataExport.Status,
        },
    )


def _export_url(job: DataExport) -> str:
    return reverse("privacy:export", args=[job.uuid])


@require_POST
@login_required
def export_request(request: HttpRequest) -> HttpResponse:
    job = services.request_export(subject=request.user, by=request.user)
    return redirect(_export_url(job))


@require_safe
@login_required
def export(request: HttpRequest, export_uuid) -> HttpResponse:
    job = get_export_for(request.user, export_uuid)
    context = {"job": job, "statuses": DataExport.Status}
    if request.htmx:
        response = render(request, "privacy/export.html#status", context)
        if job.is_finished:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "privacy/export.html", context)


@require_safe
@login_required
def export_download(request: HttpRequest, export_uuid) -> HttpResponse:
    job = get_export_for(request.user, export_uuid)
    if job.status != DataExport.Status.DONE or not job.file:
        raise Http404
    response = file_response(
        name=job.file.name, filename=job.filename, content_type="application/zip"
    )
    services.record_download(export=job, by=request.user)
    return response


@require_POST
@login_required
def erasure_request(request: HttpRequest) -> HttpResponse:
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_erasure(
                subject=request.user, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent to the programme administration. You get the "
                    "statement of what was erased and kept by e-mail."
                ),
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("privacy:mine")


@require_safe
@login_required
def erasure(request: HttpRequest, request_uuid) -> HttpResponse:
    erasure_request = get_erasure_request_for(request.user, request_uuid)
    return render(
        request,
        "privacy/erasure.html",
        {
            "erasure": erasure_request,
            "rows": services.statement_rows(erasure_request),
            "is_admin": services.is_admin(request.user),
            "is_subject": erasure_request.subject_id == request.user.pk,
        },
    )


# --- administrators ------------------------------------------------------------------------


@require_POST
@role_required(ADMIN)
def erasure_carry_out(request: HttpRequest, request_uuid) -> HttpResponse:
    erasure_request = get_erasure_request_for(request.user, request_uuid)
    try:
        services.carry_out_erasure(request=erasure_request, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The request is carried out; the statement has been sent to the person."),
        )
    return redirect("privacy:erasure", request_uuid=erasure_request.uuid)


@require_safe
@role_required(ADMIN)
def erasure_list(request: HttpRequest) -> HttpResponse:
    requests = (
        ErasureRequest.objects.select_related("subject", "requested_by", "carried_out_by")
        .annotate(
            waiting=Case(
                When(status=ErasureRequest.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-created_at", "-pk")
    )
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    return render(request, "privacy/erasure_list.html", {"page": page})


@require_safe
@role_required(ADMIN)
def person(request: HttpRequest, person_uuid) -> HttpResponse:
    subject = get_person_for(request.user, person_uuid)
    return render(
        request,
        "privacy/person.html",
        {
            "subject": subject,
            "enrolments": Enrolment.objects.filter(student=subject).select_related("cohort"),
            "exports": DataExport.objects.filter(subject=subject).select_related("requested_by")[
                :25
            ],
            "requests": ErasureRequest.objects.filter(subject=subject),
            "form": ErasureRequestForm(),
        },
    )


@require_POST
@role_required(ADMIN)
def person_export(request: HttpRequest, person_uuid) -> HttpResponse:
    subject = get_person_for(request.user, person_uuid)
    job = services.request_export(subject=subject, by=request.user)
    return redirect(_export_url(job))


@require_POST
@role_required(ADMIN)
def person_erasure(request: HttpRequest, person_uuid) -> HttpResponse:
    subject = get_person_for(request.user, person_uuid)
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            filed = services.request_erasure(
                subject=subject, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The erasure request is filed."))
            return redirect("privacy:erasure", request_uuid=filed.uuid)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("privacy:person", person_uuid=subject.uuid)


@require_safe
@role_required(ADMIN)
def rules(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/rules.html",
        {"rules": _rules(), "last_run": RetentionRun.objects.order_by("-started_at").first()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(ADMIN)
def rule_edit(request: HttpRequest, category: str) -> HttpResponse:
    rule = get_rule_for(request.user, category)
    form = RetentionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(rule=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The retention rule is saved."))
            return redirect("privacy:rules")
    return render(request, "privacy/rule_form.html", {"form": form, "rule": rule})


@require_safe
@role_required(ADMIN)
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(RetentionRun.objects.order_by("-started_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "privacy/runs.html", {"page": page})
