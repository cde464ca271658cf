"""The demo's privacy work: a night's retention run (a dry run, so the demo loses nothing) in
the administrators' log, and an erasure request from a student who left, waiting for them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from coachmaster.accounts.models import User
from coachmaster.privacy import services
from coachmaster.privacy.models import ErasureRequest, RetentionRun

LEAVER = "r.sedney@example.org"


def ensure_privacy() -> None:
    if not RetentionRun.objects.exists():
        services.apply_retention(
            today=timezone.localdate() - datetime.timedelta(days=1),
            dry_run=True,
            source=RetentionRun.Source.SCHEDULE,
        )
    leaver = User.objects.get(email=LEAVER)
    if not ErasureRequest.objects.filter(subject=leaver).exists():
        services.request_erasure(
            subject=leaver,
            reason="Ik ben gestopt met de opleiding en wil dat mijn gegevens worden gewist.",
            by=leaver,
        )
