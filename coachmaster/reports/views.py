"""Asking for a report, watching it being made, downloading it, retrying a failed one, and
the list of one's reports.

The job page polls the job row (``hx-trigger="every 1s"``) and stops polling with
``HttpResponseStopPolling`` once the job is done or failed. A job asked for while the queue was
unavailable says so, polls every few seconds, and each look at it tries to send it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from cohorts.models import Cohort, Enrolment
from competencies.models import Portfolio
from competencies.uploads import file_response

from . import services
from .access import get_job_for
from .models import ReportJob

Kind = ReportJob.Kind
# What the status part of the job page shows (reloaded after sending a waiting job).
STATUS_FIELDS = [
    "status",
    "progress",
    "progress_text",
    "error",
    "file",
    "filename",
    "sha256",
    "size",
    "pages",
    "finished_at",
]


def _subject(kind: str, subject_uuid):
    """The subject a report is asked for; 404 when there is none (the service checks who
    may ask)."""
    if kind == Kind.PORTFOLIO:
        portfolio = get_object_or_404(
            Portfolio.objects.select_related("current_snapshot"), uuid=subject_uuid
        )
        if portfolio.current_snapshot is None:
            raise Http404
        return portfolio.current_snapshot
    if kind == Kind.PROGRESS:
        return get_object_or_404(Enrolment.objects.select_related("cohort"), uuid=subject_uuid)
    if kind in (Kind.COHORT, Kind.COHORT_PORTFOLIOS):
        return get_object_or_404(Cohort, uuid=subject_uuid)
    raise Http404


@require_POST
@login_required
def request_report(request: HttpRequest, kind: str, subject_uuid) -> HttpResponse:
    subject = _subject(kind, subject_uuid)
    if not services.allowed(request.user, kind, subject):
        raise Http404
    job = services.request_report(kind=kind, subject=subject, by=request.user)
    url = job_url(job)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def job_url(job: ReportJob) -> str:
    return reverse("reports:job", args=[job.uuid])


@require_safe
@login_required
def job(request: HttpRequest, job_uuid) -> HttpResponse:
    report = get_job_for(request.user, job_uuid)
    if report.status == ReportJob.Status.WAITING and services.send_if_possible(job_id=report.pk):
        report.refresh_from_db(fields=STATUS_FIELDS)
    context = {"job": report, "statuses": ReportJob.Status}
    if request.htmx:
        response = render(request, "reports/job.html#status", context)
        if report.is_finished:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "reports/job.html", context)


@require_safe
@login_required
def download(request: HttpRequest, job_uuid) -> HttpResponse:
    report = get_job_for(request.user, job_uuid)
    if report.status != ReportJob.Status.DONE or not report.file:
        raise Http404
    return file_response(
        name=report.file.name, filename=report.filename, content_type=report.content_type
    )


@require_POST
@login_required
def retry(request: HttpRequest, job_uuid) -> HttpResponse:
    report = get_job_for(request.user, job_uuid)
    try:
        services.retry_job(job=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is being made again."))
    return redirect(job_url(report))


@require_safe
@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    jobs = (
        ReportJob.objects.filter(requesters=request.user)
        .select_related(
            "snapshot__portfolio__enrolment__student",
            "snapshot__portfolio__review_moment",
            "enrolment__student",
            "cohort",
        )
        .order_by("-created_at")
    )
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "reports/list.html", {"page": page, "statuses": ReportJob.Status})
