"""Reports the demo already has: Nadia's assessed final portfolio as a PDF, Sanne's progress
report and the administrator's progress report of cohort 2025–2027.

Without Redis the tasks run in-process while seeding; with a worker they wait in the queue
until ``make demo`` starts it. Asking twice reuses the jobs (same data, same language).
"""

from __future__ import annotations

from coachmaster.accounts.models import User
from coachmaster.reports import services
from cohorts.models import Cohort, Enrolment
from competencies.models import Portfolio


def ensure_reports() -> None:
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    nadia = Portfolio.objects.filter(
        enrolment__student__email="n.bouzid@example.org",
        current_snapshot__isnull=False,
    ).select_related("current_snapshot")
    for portfolio in nadia:
        services.request_report(
            kind="portfolio", subject=portfolio.current_snapshot, by=people["n.bouzid@example.org"]
        )
    sanne = Enrolment.objects.get(student__email="student@example.org")
    services.request_report(kind="progress", subject=sanne, by=people["student@example.org"])
    services.request_report(
        kind="cohort",
        subject=Cohort.objects.get(name="2025–2027"),
        by=people["admin@example.org"],
    )
