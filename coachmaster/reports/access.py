"""Who may open a report job: whoever may ask for that report of that subject (so a job
reused by a second person is theirs too); anybody else gets 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ReportJob
from .services import allowed


def get_job_for(user, job_uuid) -> ReportJob:
    job = get_object_or_404(
        ReportJob.objects.select_related(
            "snapshot__portfolio__enrolment__student",
            "snapshot__portfolio__review_moment",
            "enrolment__student",
            "enrolment__cohort",
            "cohort",
        ),
        uuid=job_uuid,
    )
    if not allowed(user, job.kind, job.subject):
        raise Http404
    return job
