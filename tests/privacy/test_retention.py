"""The retention job on fixed dates: what has expired is anonymised or deleted (files too),
what has not is left alone, a dry run changes nothing, a second run finds nothing, and every
run writes a log row per category."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from coachmaster.privacy import services, tasks
from coachmaster.privacy.models import DataExport, RetentionRule, RetentionRun
from coachmaster.privacy.retention import ANONYMOUS_TEXT, CATEGORIES, ERASED_EMAIL_DOMAIN
from coachmaster.reports.models import ReportJob
from competencies.models import (
    Assessment,
    ClientEngagement,
    Evidence,
    FeedbackThread,
    PortfolioSnapshot,
)
from thesis.models import MilestoneVersion, SupervisionMeeting

from .helpers import PDF, REFLECTION, end_enrolment

ENDED = datetime.date(2020, 6, 30)


def run(today, *, dry_run=False, capture=None):
    if capture is None:
        rows = services.apply_retention(today=today, dry_run=dry_run)
    else:
        with capture(execute=True):
            rows = services.apply_retention(today=today, dry_run=dry_run)
    return {row.category: row for row in rows}


def exists(name: str) -> bool:
    return storages["private"].exists(name)


def version_file(filled, kind):
    return MilestoneVersion.objects.get(
        milestone__project__enrolment=filled.enrolment, milestone__kind=kind
    ).file.name


def snapshot_files(filled):
    folder = f"portfolio-snapshots/{filled.enrolment.uuid}"
    return [f"{folder}/{name}" for name in storages["private"].listdir(folder)[1]]


def test_the_migration_loads_a_rule_for_every_category(db):
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}
    assert set(rules) == set(CATEGORIES)
    assessed = rules["assessed_work"]
    assert (assessed.years, assessed.months, assessed.clock) == (7, 0, "assessment_released")
    assert assessed.kept_on_erasure
    for rule in rules.values():
        services.validate_rule(rule)


def test_nothing_is_touched_before_the_period_ends(filled):
    end_enrolment(filled.enrolment, ENDED)
    rows = run(datetime.date(2021, 6, 29))
    assert {row.affected for row in rows.values()} <= {0}
    filled.activity.refresh_from_db()
    assert filled.activity.reflection == REFLECTION
    assert Evidence.objects.filter(pk=filled.evidence.pk).exists()


def test_nothing_is_touched_while_the_student_is_still_enrolled(filled):
    rows = run(datetime.date(2040, 1, 1))
    for category in ("learning_log", "evidence", "feedback_threads", "assessed_work"):
        assert rows[category].affected == 0


def test_working_material_goes_one_year_after_the_enrolment_ended(
    filled, django_capture_on_commit_callbacks
):
    end_enrolment(filled.enrolment, ENDED)
    evidence_file = filled.evidence.file.name
    proposal, final = version_file(filled, "proposal"), version_file(filled, "final")
    assert exists(evidence_file) and exists(proposal)

    rows = run(datetime.date(2021, 6, 30), capture=django_capture_on_commit_callbacks)

    filled.activity.refresh_from_db()
    assert (filled.activity.title, filled.activity.description, filled.activity.reflection) == (
        ANONYMOUS_TEXT,
        "",
        "",
    )
    assert filled.activity.hours == 2  # the ledger keeps its meaning
    assert ClientEngagement.objects.get(enrolment=filled.enrolment).goals == ""
    assert not Evidence.objects.filter(enrolment=filled.enrolment).exists()
    assert not exists(evidence_file)
    assert not FeedbackThread.objects.filter(enrolment=filled.enrolment).exists()
    assert not SupervisionMeeting.objects.filter(project__enrolment=filled.enrolment).exists()
    # Draft thesis files go; the version rows stay (the database keeps the history).
    assert not exists(proposal)
    assert MilestoneVersion.objects.filter(file=proposal).exists()
    assert rows["thesis_versions"].kept == 1
    # Assessed work and the thesis record stay for seven years.
    assert exists(final) and all(exists(name) for name in snapshot_files(filled))
    assert filled.enrolment.thesis.research_question
    assert rows["learning_log"].affected >= 2
    assert rows["evidence"].affected >= 1
    assert not any(row.dry_run for row in rows.values())


def test_a_dry_run_changes_nothing_but_says_what_it_would_do(filled):
    end_enrolment(filled.enrolment, ENDED)
    evidence_file = filled.evidence.file.name
    rows = run(datetime.date(2030, 1, 1), dry_run=True)
    assert all(row.dry_run for row in rows.values())
    assert rows["learning_log"].affected >= 2 and rows["assessed_work"].affected >= 1
    assert RetentionRun.objects.count() == len(CATEGORIES)
    filled.activity.refresh_from_db()
    assert filled.activity.reflection == REFLECTION
    assert Evidence.objects.filter(pk=filled.evidence.pk).exists() and exists(evidence_file)
    assert all(exists(name) for name in snapshot_files(filled))


def test_a_second_run_finds_nothing_left(filled, django_capture_on_commit_callbacks):
    end_enrolment(filled.enrolment, ENDED)
    first = run(datetime.date(2030, 1, 1), capture=django_capture_on_commit_callbacks)
    assert sum(row.affected for row in first.values()) > 0
    second = run(datetime.date(2030, 1, 1), capture=django_capture_on_commit_callbacks)
    assert {category: row.affected for category, row in second.items()} == dict.fromkeys(
        CATEGORIES, 0
    )
    assert RetentionRun.objects.count() == 2 * len(CATEGORIES)
    assert RetentionRun.objects.values("run").distinct().count() == 2


def test_assessed_work_keeps_its_files_seven_years_then_only_the_records_remain(
    filled, django_capture_on_commit_callbacks
):
    end_enrolment(filled.enrolment, ENDED)
    files = snapshot_files(filled)
    final = version_file(filled, "final")
    assert files

    early = run(datetime.date(2027, 6, 29), capture=django_capture_on_commit_callbacks)
    assert early["assessed_work"].affected == 0 and exists(final)
    assert filled.enrolment.thesis.research_question

    late = run(datetime.date(2027, 6, 30), capture=django_capture_on_commit_callbacks)
    assert late["assessed_work"].affected == len(files) + 1
    assert late["assessed_work"].kept > 0 and late["assessed_work"].note
    assert not any(exists(name) for name in [*files, final])
    # The database keeps the record: rows are never changed or deleted.
    assert PortfolioSnapshot.objects.filter(portfolio__enrolment=filled.enrolment).count() == 2
    assert Assessment.objects.filter(pk=filled.released.pk, status="released").exists()
    project = filled.enrolment.thesis
    project.refresh_from_db()
    assert project.research_question == "" and project.working_title


def test_a_late_release_keeps_assessed_work_longer(filled, django_capture_on_commit_callbacks):
    end_enrolment(filled.enrolment, ENDED)
    # The year-1 submission is released after the enrolment ended: its seven years count.
    Assessment.objects.filter(pk=filled.open_assessment.pk).update(
        status="released", released_at=datetime.datetime(2021, 1, 15, 12, tzinfo=datetime.UTC)
    )
    rows = run(datetime.date(2027, 7, 1), capture=django_capture_on_commit_callbacks)
    assert rows["assessed_work"].affected == 0
    rows = run(datetime.date(2028, 1, 15), capture=django_capture_on_commit_callbacks)
    assert rows["assessed_work"].affected > 0


def test_accounts_are_anonymised_only_when_no_assessed_work_needs_the_name(
    filled, student, django_capture_on_commit_callbacks
):
    end_enrolment(filled.enrolment, ENDED)
    type(student).objects.filter(pk=student.pk).update(
        last_login=datetime.datetime(2020, 7, 1, tzinfo=datetime.UTC)
    )
    held = run(datetime.date(2023, 1, 1), capture=django_capture_on_commit_callbacks)
    assert (held["accounts"].affected, held["accounts"].kept) == (0, 1)
    student.refresh_from_db()
    assert student.is_active and not student.email.endswith(ERASED_EMAIL_DOMAIN)

    free = run(datetime.date(2027, 7, 1), capture=django_capture_on_commit_callbacks)
    assert free["accounts"].affected == 1
    student.refresh_from_db()
    assert not student.is_active and student.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")
    assert not student.has_usable_password()
    assert filled.enrolment.student_number not in {
        e.student_number for e in student.enrolments.all()
    }


def test_staff_accounts_are_never_anonymised(lecturer, programme_admin):
    rows = run(datetime.date(2060, 1, 1))
    assert rows["accounts"].affected == 0
    lecturer.refresh_from_db()
    assert lecturer.is_active


def test_reports_and_exports_go_after_their_months(student, django_capture_on_commit_callbacks):
    report = ReportJob.objects.create(
        kind=ReportJob.Kind.PROGRESS,
        enrolment=student.enrolments.get(),
        language="nl",
        source_hash="x",
        status=ReportJob.Status.DONE,
        file=storages["private"].save("reports/old.pdf", ContentFile(PDF)),
    )
    export = DataExport.objects.create(
        subject=student,
        requested_by=student,
        language="nl",
        status=DataExport.Status.DONE,
        file=storages["private"].save("privacy-exports/old.zip", ContentFile(b"PK")),
    )
    january = datetime.datetime(2020, 1, 10, tzinfo=datetime.UTC)
    ReportJob.objects.filter(pk=report.pk).update(created_at=january)
    DataExport.objects.filter(pk=export.pk).update(created_at=january)

    rows = run(datetime.date(2020, 2, 9), capture=django_capture_on_commit_callbacks)
    assert rows["data_exports"].affected == 0 and rows["report_files"].affected == 0
    rows = run(datetime.date(2020, 4, 10), capture=django_capture_on_commit_callbacks)
    assert rows["data_exports"].affected == 1 and rows["report_files"].affected == 1
    assert not ReportJob.objects.filter(pk=report.pk).exists()
    assert not exists("reports/old.pdf") and not exists("privacy-exports/old.zip")
    export.refresh_from_db()
    # The record of who exported whose data stays; the file goes.
    assert export.status == DataExport.Status.EXPIRED and not export.file


def test_the_command_runs_dry_and_logs(filled, capsys):
    end_enrolment(filled.enrolment, ENDED)
    call_command("apply_retention", "--dry-run", "--date", "2030-01-01")
    assert "learning_log: would handle" in capsys.readouterr().out
    assert RetentionRun.objects.filter(dry_run=True, source="command").count() == len(CATEGORIES)
    filled.activity.refresh_from_db()
    assert filled.activity.reflection == REFLECTION


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError):
        call_command("apply_retention", "--date", "gisteren")


def test_the_retention_task_is_scheduled_daily_and_logs_as_scheduled(db, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.apply_retention"
    assert entry["schedule"].day_of_week == set(range(7))
    tasks.apply_retention.delay()
    assert RetentionRun.objects.filter(source="schedule").count() == len(CATEGORIES)


def test_the_other_action_of_a_category_works_too(filled, django_capture_on_commit_callbacks):
    end_enrolment(filled.enrolment, ENDED)
    RetentionRule.objects.filter(category="learning_log").update(action="delete")
    RetentionRule.objects.filter(category="supervision").update(action="anonymise")
    rows = run(datetime.date(2021, 7, 1), capture=django_capture_on_commit_callbacks)
    assert rows["learning_log"].affected >= 2 and rows["supervision"].affected == 2
    assert not ClientEngagement.objects.filter(enrolment=filled.enrolment).exists()
    meeting = SupervisionMeeting.objects.get(project__enrolment=filled.enrolment)
    assert meeting.notes == "" and meeting.actions.get().description == ANONYMOUS_TEXT
    again = run(datetime.date(2021, 7, 1), capture=django_capture_on_commit_callbacks)
    assert again["learning_log"].affected == 0 and again["supervision"].affected == 0
