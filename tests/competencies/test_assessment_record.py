"""The assessment record cannot be rewritten: the database itself (triggers of migration
0005) refuses changes to a released assessment, its final levels, submitted judgements,
approvals, corrections and events — through the ORM, ``QuerySet.update()``/``delete()`` and
raw SQL alike — on SQLite and PostgreSQL. What is still in progress stays changeable; ``flush``
still empties the tables; the trigger step reverses and applies, the data step assesses
portfolios submitted before assessments existed.

The refusal is an ``IntegrityError`` on both databases: SQLite's ``RAISE(ABORT)`` is a
constraint failure, and the PostgreSQL triggers raise SQLSTATE 23000.
"""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from competencies.immutability import (
    ASSESSMENT_RULES,
    protect_assessments,
    unprotect_assessments,
)
from competencies.models import (
    Approval,
    Assessment,
    AssessmentEvent,
    Correction,
    Examiner,
    FinalLevel,
    Judgement,
    Portfolio,
    PortfolioSnapshot,
)
from tests.competencies.assessment_helpers import agree, assign, judge, levels_of, submitted
from tests.factories import CompetencyFactory, LecturerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

assess_submitted = importlib.import_module(
    "competencies.migrations.0005_assessment"
).assess_submitted
REFUSED = IntegrityError


MESSAGES = {rule[4] for rule in ASSESSMENT_RULES}


def refused(write) -> DatabaseError:
    """Runs ``write`` in its own transaction; the database's triggers refuse it."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        write()
    assert isinstance(error.value, REFUSED), repr(error.value)
    assert any(message in str(error.value) for message in MESSAGES), str(error.value)
    return error.value


def delete_refused(rows) -> None:
    """``rows.delete()`` is refused (by Django's PROTECT where rows refer to these, else by
    the database), and so is the same DELETE without Django's collector."""
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.delete()
    refused(lambda: rows._raw_delete(rows.db))


def submit_with_indicators(examiner: Examiner) -> Examiner:
    """A judgement with observed indicators, submitted after they are written."""
    judge(examiner, submit=False)
    for judgement in examiner.judgements.all():
        judgement.indicators.set(judgement.competency.indicators.all()[:1])
    Examiner.objects.filter(pk=examiner.pk).update(submitted_at=timezone.now())
    examiner.refresh_from_db()
    return examiner


@pytest.fixture
def released(student, version, programme_admin):
    """A released assessment with two submitted examiners, approvals, final levels, a
    correction and its events."""
    assessment = submitted(student.enrolments.get())
    first, second = assign(assessment, LecturerFactory(), LecturerFactory(), by=programme_admin)
    submit_with_indicators(first)
    submit_with_indicators(second)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.RECONCILING)
    assessment.refresh_from_db()
    agree(assessment)
    for examiner in (first, second):
        Approval.objects.create(assessment=assessment, examiner=examiner, revision=1)
    AssessmentEvent.objects.create(
        assessment=assessment, kind=AssessmentEvent.Kind.RELEASED, actor=programme_admin
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED,
        released_at=timezone.now(),
        released_by=programme_admin,
    )
    Correction.objects.create(
        assessment=assessment, by=programme_admin, reason="Typfout.", verdict="pass"
    )
    assessment.refresh_from_db()
    return assessment


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- released and submitted rows are refused ---------------------------------------------------


def test_released_assessment_cannot_be_updated_or_deleted(released):
    rows = Assessment.objects.filter(pk=released.pk)
    refused(lambda: rows.update(final_verdict="fail"))
    refused(lambda: rows.update(released_at=None, status=Assessment.Status.OPEN))
    delete_refused(rows)
    refused(
        lambda: raw(f"UPDATE {table(Assessment)} SET final_grade = 9 WHERE id = %s", released.pk)
    )
    refused(lambda: raw(f"DELETE FROM {table(Assessment)} WHERE id = %s", released.pk))
    released.joint_explanation = "Anders."
    refused(released.save)
    assert Assessment.objects.get(pk=released.pk).joint_explanation == "Samen besloten."


def test_final_levels_of_a_released_assessment_are_fixed(released):
    levels = levels_of(released)
    rows = FinalLevel.objects.filter(assessment=released)
    one = rows.first()
    refused(lambda: rows.update(level=levels[1]))
    delete_refused(rows)
    refused(lambda: raw(f"DELETE FROM {table(FinalLevel)} WHERE id = %s", one.pk))
    refused(lambda: raw(f"UPDATE {table(FinalLevel)} SET level_id = %s", levels[1].pk))
    extra = CompetencyFactory(profile=one.competency.profile, code="IC9")
    refused(
        lambda: FinalLevel.objects.create(assessment=released, competency=extra, level=levels[2])
    )
    refused(
        lambda: raw(
            f"INSERT INTO {table(FinalLevel)} (assessment_id, competency_id, level_id) "
            "VALUES (%s, %s, %s)",
            released.pk,
            extra.pk,
            levels[2].pk,
        )
    )
    assert {f.level_id for f in rows} == {levels[3].pk}


def test_submitted_examiner_and_judgements_cannot_change(released):
    examiner = released.examiners.first()
    refused(lambda: Examiner.objects.filter(pk=examiner.pk).update(verdict="fail"))
    delete_refused(Examiner.objects.filter(pk=examiner.pk))
    refused(lambda: raw(f"UPDATE {table(Examiner)} SET feedback = 'x' WHERE id = %s", examiner.pk))
    refused(lambda: raw(f"DELETE FROM {table(Examiner)} WHERE id = %s", examiner.pk))

    judgements = Judgement.objects.filter(examiner=examiner)
    judgement = judgements.first()
    refused(lambda: judgements.update(feedback="Herschreven."))
    delete_refused(judgements)
    refused(
        lambda: raw(f"UPDATE {table(Judgement)} SET feedback = 'x' WHERE id = %s", judgement.pk)
    )
    extra = CompetencyFactory(profile=judgement.competency.profile, code="IC9")
    refused(lambda: Judgement.objects.create(examiner=examiner, competency=extra))
    assert judgements.first().feedback == judgement.feedback


def test_indicator_links_of_a_submitted_judgement_are_fixed(released):
    judgement = Judgement.objects.filter(examiner__assessment=released).first()
    links = Judgement.indicators.through
    assert judgement.indicators.exists()
    refused(lambda: judgement.indicators.clear())
    delete_refused(links.objects.filter(judgement=judgement))
    other = judgement.competency.indicators.exclude(pk__in=judgement.indicators.values("pk"))
    refused(lambda: judgement.indicators.add(other.first()))
    refused(
        lambda: raw(
            f"UPDATE {table(links)} SET indicator_id = indicator_id WHERE judgement_id = %s",
            judgement.pk,
        )
    )
    refused(lambda: raw(f"DELETE FROM {table(links)} WHERE judgement_id = %s", judgement.pk))
    assert judgement.indicators.exists()


@pytest.mark.parametrize("model", [Approval, Correction, AssessmentEvent])
def test_approvals_corrections_and_events_are_append_only(released, model):
    rows = model.objects.filter(assessment=released)
    one = rows.first()
    assert one is not None
    refused(lambda: rows.update(at=timezone.now()))
    delete_refused(rows)
    refused(lambda: raw(f"UPDATE {table(model)} SET at = at WHERE id = %s", one.pk))
    refused(lambda: raw(f"DELETE FROM {table(model)} WHERE id = %s", one.pk))
    # Appending is what the record is for.
    AssessmentEvent.objects.create(
        assessment=released, kind=AssessmentEvent.Kind.CORRECTED, actor=released.released_by
    )
    assert rows.filter(pk=one.pk).exists()


def test_an_open_assessment_cannot_be_deleted_either(student, version):
    assessment = submitted(student.enrolments.get())
    delete_refused(Assessment.objects.filter(pk=assessment.pk))


# --- what is in progress stays changeable ------------------------------------------------------


def test_open_assessment_and_not_started_examiner_can_change(student, version, programme_admin):
    assessment = submitted(student.enrolments.get())
    waiting, started = assign(assessment, LecturerFactory(), LecturerFactory(), by=programme_admin)
    Assessment.objects.filter(pk=assessment.pk).update(
        due_on=assessment.due_on, escalated_at=timezone.now(), escalation_reason="x"
    )
    judge(started, submit=False)
    # A draft judgement can be rewritten, its indicators changed.
    judgement = started.judgements.first()
    Judgement.objects.filter(pk=judgement.pk).update(feedback="Nog een keer.")
    judgement.indicators.set(judgement.competency.indicators.all()[:2])
    judgement.indicators.clear()
    Examiner.objects.filter(pk=started.pk).update(feedback="Concept.")
    # An examiner who has not started can be changed and removed.
    Examiner.objects.filter(pk=waiting.pk).update(position=9)
    Examiner.objects.filter(pk=waiting.pk).delete()
    assert list(assessment.examiners.all()) == [started]
    # Before release, final levels are a proposal and can be redone.
    agree(assessment)
    FinalLevel.objects.filter(assessment=assessment).delete()
    assert Judgement.objects.get(pk=judgement.pk).feedback == "Nog een keer."


def test_a_started_examiner_cannot_be_removed(student, version, programme_admin):
    assessment = submitted(student.enrolments.get())
    (examiner,) = assign(assessment, LecturerFactory(), by=programme_admin)
    judge(examiner, submit=False)
    delete_refused(Examiner.objects.filter(pk=examiner.pk))


# --- flush and the migrations ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_protected_tables(released):
    call_command("flush", interactive=False, verbosity=0)
    for model in (Assessment, Examiner, Judgement, FinalLevel, Approval, Correction):
        assert not model.objects.exists()
    assert not AssessmentEvent.objects.exists()
    # ... and the protection is back in place afterwards.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'assessment_no_delete'"
            )
            assert cursor.fetchone()[0] == 1


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_trigger_migration_reverses_and_applies(released):
    """The operations of migration 0005's trigger step, down and up again. (A full
    ``migrate competencies 0004`` and back takes some 17 seconds on SQLite: too slow here.)"""
    rows = Assessment.objects.filter(pk=released.pk)
    try:
        with connection.schema_editor() as editor:
            unprotect_assessments(django_apps, editor)
        assert not {rule[0] for rule in ASSESSMENT_RULES} & _triggers()
        rows.update(joint_explanation="Zonder bescherming.")
    finally:
        with connection.schema_editor() as editor:
            protect_assessments(django_apps, editor)
    assert {rule[0] for rule in ASSESSMENT_RULES} <= _triggers()
    refused(lambda: rows.update(joint_explanation="Weer beschermd."))
    assert rows.get().joint_explanation == "Zonder bescherming."


def test_the_data_migration_assesses_earlier_submissions(student, version):
    """Portfolios submitted before assessments existed get an open assessment, created by
    their student at the time of submission."""
    enrolment = student.enrolments.get()
    moment = version.review_moments.get(code="final-portfolio")
    portfolio = Portfolio.objects.create(enrolment=enrolment, review_moment=moment)
    submitted_at = timezone.now() - datetime.timedelta(days=3)
    snapshot = PortfolioSnapshot.objects.create(
        portfolio=portfolio,
        number=1,
        data={},
        sha256="0" * 64,
        submitted_at=submitted_at,
        submitted_by=student,
    )
    Portfolio.objects.filter(pk=portfolio.pk).update(
        current_snapshot=snapshot, status=Portfolio.Status.SUBMITTED
    )
    draft = Portfolio.objects.create(
        enrolment=enrolment, review_moment=version.review_moments.get(code="year-1-review")
    )

    # A data step: it uses the models only, not the schema editor.
    assess_submitted(django_apps, connection.schema_editor())

    assessment = Assessment.objects.get(portfolio=portfolio)
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.snapshot == snapshot
    assert assessment.due_on == (submitted_at + datetime.timedelta(days=15)).date()
    (event,) = assessment.events.all()
    assert (event.kind, event.actor, event.at, event.data) == (
        "created",
        student,
        submitted_at,
        {"round": 1},
    )
    assert not Assessment.objects.filter(portfolio=draft).exists()
