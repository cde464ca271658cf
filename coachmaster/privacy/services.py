"""Writes of the privacy app: personal-data exports, retention rules and runs, erasure."""

from __future__ import annotations

import datetime
import logging
import tempfile
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.access import is_admin

from . import export as exporting
from .models import DataExport, ErasureRequest, RetentionRule, RetentionRun
from .retention import (
    CATEGORIES,
    CATEGORY_LIST,
    ORDER,
    Accounts,
    anonymise_account,
    cutoff_for,
    end_sessions,
    until_for,
)

logger = logging.getLogger(__name__)

TRANSIENT = (OSError, InterfaceError, OperationalError)


def _require_self_or_admin(subject, by) -> None:
    if not by.is_authenticated or (by.pk != subject.pk and not is_admin(by)):
        raise PermissionDenied


# --- exports -------------------------------------------------------------------------------


def request_export(*, subject, by) -> DataExport:
    """A new export of ``subject``'s data, made in the background (an export still being made
    is returned instead of a second one). Who asked is recorded: that is the export log."""
    _require_self_or_admin(subject, by)
    with transaction.atomic():
        pending = (
            DataExport.objects.select_for_update()
            .filter(
                subject=subject,
                status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING],
            )
            .first()
        )
        if pending is not None:
            return pending
        job = DataExport.objects.create(
            subject=subject,
            requested_by=by,
            language=subject.preferred_language or settings.LANGUAGE_CODE,
        )
        logger.info(
            "personal data export %s of user %s requested by user %s",
            job.uuid,
            subject.uuid,
            by.uuid,
        )
        from .tasks import build_export

        transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def _start_export(export_id: int) -> DataExport | None:
    with transaction.atomic():
        job = (
            DataExport.objects.select_for_update(of=("self",))
            .select_related("subject")
            .filter(pk=export_id)
            .first()
        )
        if job is None or job.is_finished:
            return None
        job.status, job.error = DataExport.Status.RUNNING, ""
        job.save(update_fields=["status", "error"])
        return job


def fail_export(export_id: int | None, message: str | None = None) -> None:
    job = DataExport.objects.filter(pk=export_id).first() if export_id else None
    if job is None:
        return
    with translation.override(job.language):
        text = message or _("The export could not be made. The error has been logged.")
        DataExport.objects.filter(pk=job.pk).exclude(status=DataExport.Status.DONE).update(
            status=DataExport.Status.FAILED, error=text, finished_at=timezone.now()
        )


def run_export(export_id: int) -> None:
    """The task's work: build the ZIP in a temporary file and store it. Running it twice
    stores one file; a finished export is left alone."""
    job = _start_export(export_id)
    if job is None:
        return
    with tempfile.TemporaryFile(suffix=".zip") as spool:
        try:
            with translation.override(job.language):
                exporting.build(job.subject, spool)
        except TRANSIENT:
            raise
        except Exception:
            logger.exception("personal data export %s failed", job.uuid)
            fail_export(job.pk)
            return
        spool.seek(0)
        _store_export(job, spool)


@transaction.atomic
def _store_export(job: DataExport, spool) -> None:
    locked = DataExport.objects.select_for_update().get(pk=job.pk)
    if locked.status == DataExport.Status.DONE:
        return
    if locked.file:
        locked.file.storage.delete(locked.file.name)
    locked.file.save("export.zip", File(spool), save=False)
    locked.size = locked.file.size
    with translation.override(locked.language):
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        locked.filename = f"coachmaster-{_('personal-data')}-{stamp}.zip"
    locked.status, locked.finished_at = DataExport.Status.DONE, timezone.now()
    locked.save()


def record_download(*, export: DataExport, by) -> None:
    DataExport.objects.filter(pk=export.pk).update(
        downloads=F("downloads") + 1, downloaded_at=timezone.now()
    )
    logger.info(
        "personal data export %s of user %s downloaded by user %s",
        export.uuid,
        export.subject.uuid,
        by.uuid,
    )


# --- retention rules -----------------------------------------------------------------------


def validate_rule(rule: RetentionRule) -> None:
    """The rules every rule obeys, whatever form or script saves it."""
    spec = CATEGORIES.get(rule.category)
    if spec is None:
        raise ValidationError(_("There is no such category."))
    errors: dict[str, list[str]] = {}
    if rule.months > 11:
        errors.setdefault("months", []).append(_("Give at most 11 months; use years for more."))
    if rule.total_months < max(spec.minimum_months, 1):
        if spec.minimum_months:
            errors.setdefault("years", []).append(
                _(
                    "The law asks to keep this for at least %(years)s years: a shorter "
                    "period is not allowed."
                )
                % {"years": spec.minimum_months // 12}
            )
        else:
            errors.setdefault("years", []).append(_("Give a period of at least one month."))
    if rule.clock not in spec.clocks:
        errors.setdefault("clock", []).append(
            _("This category's period cannot be counted from that moment.")
        )
    if rule.action not in spec.actions:
        errors.setdefault("action", []).append(_("This category cannot be handled that way."))
    if spec.minimum_months and not rule.kept_on_erasure:
        errors.setdefault("kept_on_erasure", []).append(
            _("Records kept by law are always kept when erasure is asked.")
        )
    if not rule.explanation_nl.strip() or not rule.explanation_en.strip():
        errors.setdefault("explanation_nl", []).append(
            _("Explain the legal basis in both languages.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_rule(*, rule: RetentionRule, by) -> RetentionRule:
    if not is_admin(by):
        raise PermissionDenied
    validate_rule(rule)
    rule.updated_by = by
    rule.save()
    logger.info(
        "retention rule %s set to %sy%sm from %s, %s, by user %s",
        rule.category,
        rule.years,
        rule.months,
        rule.clock,
        rule.action,
        by.uuid,
    )
    return rule


# --- the retention job ---------------------------------------------------------------------


def apply_retention(
    *,
    today: datetime.date | None = None,
    dry_run: bool = False,
    source: str = RetentionRun.Source.COMMAND,
) -> list[RetentionRun]:
    """Anonymises or deletes what has expired under each rule, in batches, and writes one log
    row per category. A dry run changes nothing but the log (its rows say they were dry)."""
    today = today or timezone.localdate()
    run = uuid.uuid4()
    rows = []
    rules = sorted(
        (rule for rule in RetentionRule.objects.all() if rule.category in CATEGORIES),
        key=lambda rule: ORDER[rule.category],
    )
    for rule in rules:
        spec = CATEGORIES[rule.category]
        started_at = timezone.now()
        cutoff = cutoff_for(rule, today)
        outcome = spec.apply(spec.expired(rule, cutoff), rule.action, dry_run=dry_run, today=today)
        rows.append(
            RetentionRun.objects.create(
                run=run,
                category=rule.category,
                action=rule.action,
                dry_run=dry_run,
                source=source,
                today=today,
                cutoff=cutoff,
                affected=outcome.affected,
                kept=outcome.kept,
                note=outcome.note,
                started_at=started_at,
                finished_at=timezone.now(),
            )
        )
        logger.info(
            "retention %s%s: %s %s record(s), %s kept",
            rule.category,
            " (dry run)" if dry_run else "",
            rule.action,
            outcome.affected,
            outcome.kept,
        )
    return rows


# --- erasure -------------------------------------------------------------------------------


@transaction.atomic
def request_erasure(*, subject, reason: str = "", by) -> ErasureRequest:
    _require_self_or_admin(subject, by)
    if ErasureRequest.objects.filter(subject=subject, status=ErasureRequest.Status.OPEN).exists():
        raise ValidationError(_("There is already an erasure request waiting for this person."))
    request = ErasureRequest.objects.create(
        subject=subject, requested_by=by, reason=reason.strip()
    )
    logger.info(
        "erasure request %s for user %s filed by user %s", request.uuid, subject.uuid, by.uuid
    )
    return request


def _item(rule: RetentionRule, outcome: str, count: int, until: datetime.date | None) -> dict:
    return {
        "category": rule.category,
        "outcome": outcome,
        "action": rule.action,
        "count": count,
        "until": until.isoformat() if until else None,
        "period": {"years": rule.years, "months": rule.months},
        "clock": rule.clock,
        "explanation": {"nl": rule.explanation_nl, "en": rule.explanation_en},
    }


STAFF_IDENTITY_KEPT = gettext_lazy(
    "A member of staff's name stays with the assessments, reviews and decisions they signed, "
    "for as long as those records are kept."
)


def _in_both_languages(text) -> dict[str, str]:
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(text)
    return texts


def _deactivate(user, by) -> None:
    """The accounts app's service when it exists; otherwise what it would do."""
    from coachmaster.accounts import services as account_services

    deactivate = getattr(account_services, "deactivate_account", None)
    if deactivate is not None:
        deactivate(user=user, by=by)
        user.refresh_from_db()
    else:
        type(user).objects.filter(pk=user.pk).update(is_active=False)
        end_sessions(user)


@transaction.atomic
def carry_out_erasure(*, request: ErasureRequest, by) -> ErasureRequest:
    """Erases or anonymises everything of the person that no legal period keeps, keeps the
    rest, and writes the statement (what, why, until when). The account is closed."""
    if not is_admin(by):
        raise PermissionDenied
    locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise ValidationError(_("This request has already been carried out."))
    user = type(locked.subject).objects.select_for_update().get(pk=locked.subject_id)
    if user.pk == by.pk:
        raise ValidationError(_("Ask another administrator to carry out your own request."))
    today = timezone.localdate()
    email, language = user.email, user.preferred_language or settings.LANGUAGE_CODE
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}
    _deactivate(user, by)
    items, kept_until = [], []
    for spec in CATEGORY_LIST:
        rule = rules.get(spec.code)
        if rule is None or spec.code == Accounts.code:
            continue
        scope = spec.of_person(user)
        if rule.kept_on_erasure:
            started = spec.started(rule, user)
            until = until_for(rule, started) if started else None
            if until is None or until > today:
                count = spec.count(scope)
                items.append(_item(rule, "kept" if count else "none", count, until))
                if count:
                    kept_until.append(until)
                continue
        outcome = spec.apply(scope, rule.action, dry_run=False, today=today)
        items.append(_item(rule, "erased" if outcome.affected else "none", outcome.affected, None))
    # Staff sign assessments, reviews and decisions that are kept: their name stays with them.
    staff = any((user.is_lecturer, user.is_supervisor, user.is_programme_admin, user.is_superuser))
    keep_identity = bool(kept_until) or staff
    anonymise_account(user, keep_identity=keep_identity)
    account_rule = rules.get(Accounts.code)
    if account_rule is not None:
        until = None if None in kept_until else max(kept_until, default=None)
        item = _item(account_rule, "partly_kept" if keep_identity else "erased", 1, until)
        if staff:
            item["explanation"] = _in_both_languages(STAFF_IDENTITY_KEPT)
        items.append(item)
    locked.statement = items
    locked.status, locked.carried_out_at, locked.carried_out_by = (
        ErasureRequest.Status.DONE,
        timezone.now(),
        by,
    )
    # The reason may hold personal details; the request itself is the proof needed.
    locked.reason = ""
    locked.save()
    logger.info("erasure request %s carried out by user %s", locked.uuid, by.uuid)
    request_id = locked.pk
    transaction.on_commit(lambda: send_statement(request_id, email=email, language=language))
    return locked


def statement_rows(request: ErasureRequest) -> list[dict]:
    """The statement ready for a template or an e-mail in the active language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    rows = []
    for item in sorted(request.statement, key=lambda i: ORDER.get(i["category"], 99)):
        spec = CATEGORIES.get(item["category"])
        explanation = item.get("explanation", {})
        rows.append(
            {
                **item,
                "label": spec.label if spec else item["category"],
                "records": spec.records if spec else "",
                "until": datetime.date.fromisoformat(item["until"]) if item["until"] else None,
                "explanation_text": explanation.get("en" if language.startswith("en") else "nl")
                or explanation.get("nl", ""),
            }
        )
    return rows


def send_statement(request_id: int, *, email: str, language: str) -> None:
    """Sends the statement to the address the person had before erasure, in their language."""
    request = ErasureRequest.objects.filter(pk=request_id).first()
    if request is None or not email:
        return
    with translation.override(language):
        context = {"request": request, "rows": statement_rows(request)}
        subject = render_to_string("privacy/email/statement_subject.txt", context).strip()
        body = render_to_string("privacy/email/statement_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [email]
    )
