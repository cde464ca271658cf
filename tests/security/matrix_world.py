"""One world for the project-wide permission matrix: a real object for every URL argument
and a person for every role.

The student's cohort follows an active curriculum version. The student has a learning log
(an activity and a client engagement), evidence with a file, a feedback link and a feedback
thread with the assigned lecturer, a draft year-1 portfolio, and a submitted final portfolio
whose assessment has two examiners, neither of whom has submitted yet. A third student's
final portfolio has the same two examiners, and there the co-examiner *has* submitted: the
"examiner after" role opens that one. The student's thesis project has a supervisor, a
second reader, a handed-in proposal, a higher-risk ethics review waiting for the ethics
reviewer, and a meeting with an action. A progress report of the student is ready.

Everybody staff holds an active TOTP authenticator, except ``no_mfa``: a programme
administrator without one, for the MFA-for-staff rule.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from coachmaster.accounts.models import User
from coachmaster.privacy.defaults import load_default_rules
from coachmaster.privacy.models import DataExport, ErasureRequest, RetentionRule
from coachmaster.reports.models import ReportJob
from cohorts.models import (
    Group,
    IntervisionMethod,
    IntervisionSession,
    LecturerAssignment,
    StudentImport,
    SupervisorAssignment,
)
from competencies.models import Assessment, ClientEngagement, FeedbackRequest, Verdict
from competencies.services import feedback as feedback_services
from competencies.services import portfolio as portfolio_services
from competencies.services.evidence import create_feedback_request
from competencies.snapshots import files_of
from thesis import services as thesis_services
from thesis.models import HostOrganisation

from ..competencies.assessment_helpers import assign, judge
from ..competencies.portfolio_helpers import complete, make_activity, make_evidence, start
from ..factories import (
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    ProgrammeAdminFactory,
    SupervisorFactory,
    make_programme,
)
from ..thesis.helpers import HIGHER_RISK, hand_in, make_project, milestone, submit_ethics

# The roles of the matrix, in the order of every expectation row.
ROLES = (
    "anonymous",
    "student",  # the owner of every student object in the world
    "other_student",  # another student of the same cohort
    "lecturer",  # assigned to the student's cohort, asked for feedback
    "other_lecturer",  # assigned to another cohort only
    "examiner_before",  # examiner of the student's final portfolio; co-examiner not in yet
    "examiner_after",  # the same examiner, on a portfolio whose co-examiner has submitted
    "supervisor",  # the student's thesis supervisor
    "other_supervisor",  # supervises the other student
    "reader",  # second reader of the student's thesis
    "ethics_reviewer",
    "admin",  # programme administrator
    "no_mfa",  # programme administrator without an authenticator
)

# Text only the co-examiner wrote: an examiner must never read it before both are in.
CO_EXAMINER_SECRET = "co-examiner-secret-7f3a"
# Text in the student's own records: other students and unrelated staff must never read it.
STUDENT_SECRET = "student-private-c41d"

# The pages that edit a curriculum version or framework: they open the draft version's objects.
DRAFT_PAGES = {
    "curriculum": (
        "version_settings",
        "version_status",
        "module_create",
        "period_create",
        "review_moment_create",
        "module_edit",
        "module_delete",
        "period_edit",
        "period_delete",
        "review_moment_edit",
        "review_moment_delete",
    ),
    "competencies": (
        "competency_create",
        "level_create",
        "profile_create",
        "level_edit",
        "profile_edit",
        "competency_edit",
        "competency_delete",
        "import",
        "map_cell",
        "review_targets",
    ),
}

FILE_CONTENT = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    people: dict[str, User | None]
    sessions: dict[str, str]  # role -> session key of a logged-in session
    kwargs: dict[str, object]  # URL argument name -> value, for every URL
    by_url: dict[str, dict[str, object]]  # URL key -> arguments that differ for that URL
    by_role: dict[str, dict[str, object]]  # role -> arguments that differ for that role
    objects: dict[str, object] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A fresh client in the role's session (a logout in one request can't leak)."""
        client = Client()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def arguments(self, key: str, names: list[str], role: str) -> dict[str, object]:
        values = {**self.kwargs, **self.by_url.get(key, {}), **self.by_role.get(role, {})}
        missing = [name for name in names if name not in values]
        assert not missing, f"{key}: no world object for URL argument(s) {missing}"
        return {name: values[name] for name in names}


def _totp(user: User) -> None:
    # Through allauth, so the secret is stored the way the MFA adapter encrypts it.
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")


def _logged_in(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


def build_world() -> World:
    version = make_programme(competencies=3, modules=2, name="matrix")
    version.status = version.Status.ACTIVE
    version.save(update_fields=["status"])
    framework = version.framework
    # Only drafts can be edited: the editing pages open this one.
    draft_version = make_programme(competencies=2, modules=1, name="matrix-draft")
    cohort = CohortFactory(name="matrix 2025–2027", curriculum_version=version)
    other_cohort = CohortFactory(name="matrix 2026–2028", curriculum_version=version)

    admin = ProgrammeAdminFactory(email="matrix-admin@example.org")
    no_mfa = ProgrammeAdminFactory(email="matrix-nomfa@example.org")
    enrolment = EnrolmentFactory(cohort=cohort, student__email="matrix-student@example.org")
    student = enrolment.student
    other_enrolment = EnrolmentFactory(cohort=cohort, student__email="matrix-other@example.org")
    third_enrolment = EnrolmentFactory(cohort=cohort)
    lecturer = LecturerFactory(email="matrix-lecturer@example.org")
    other_lecturer = LecturerFactory(email="matrix-other-lecturer@example.org")
    examiner = LecturerFactory(email="matrix-examiner@example.org")
    co_examiner = LecturerFactory(email="matrix-co-examiner@example.org")
    supervisor = SupervisorFactory(email="matrix-supervisor@example.org")
    other_supervisor = SupervisorFactory(email="matrix-other-supervisor@example.org")
    reader = LecturerFactory(email="matrix-reader@example.org")
    ethics_reviewer = LecturerFactory(email="matrix-ethics@example.org")

    assignment = LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=other_lecturer)
    SupervisorAssignment.objects.create(enrolment=other_enrolment, supervisor=other_supervisor)

    # Cohort organisation: a group with a session, and an import in progress.
    group = Group.objects.create(
        cohort=cohort, kind="intervision", name="Intervisiegroep 1", facilitator=lecturer
    )
    group.members.add(enrolment, other_enrolment)
    method, _created = IntervisionMethod.objects.get_or_create(
        code="incident", defaults={"name_nl": "Incidentmethode", "name_en": "Incident method"}
    )
    session = IntervisionSession.objects.create(group=group, date="2026-10-01", method=method)
    student_import = StudentImport.objects.create(
        filename="x.csv",
        headers=["Studentnummer"],
        rows=[["00123456"]],
        columns={"student_number": "Studentnummer"},
    )

    # The student's learning log, evidence and feedback.
    activity = make_activity(enrolment, role="coach", system_level="team")
    activity.title = f"Activity {STUDENT_SECRET}"
    activity.save(update_fields=["title"])
    engagement = ClientEngagement.objects.create(
        enrolment=enrolment, client_code="K-01", goals=STUDENT_SECRET
    )
    competency = framework.competencies.order_by("code").first()
    evidence = make_evidence(
        enrolment, title=f"Evidence {STUDENT_SECRET}", content=FILE_CONTENT, text="Verslag."
    )
    feedback_request, feedback_token = create_feedback_request(
        enrolment=enrolment,
        recipient_label="opdrachtgever",
        relation=FeedbackRequest.Relation.SPONSOR,
        questions="Wat hielp?",
        by=student,
    )
    thread = feedback_services.ask_feedback(
        enrolment=enrolment,
        lecturer=lecturer,
        subject="Vraag over mijn bewijs",
        question=f"Klopt dit? {STUDENT_SECRET}",
        evidence=evidence,
        by=student,
    )

    # Portfolios: a draft for year 1, and the final one submitted and being assessed.
    draft = start(enrolment, version.review_moments.get(code="year-1-review"))
    assessment = _submitted_with_file(enrolment)
    _examiner_row, co_row = assign(assessment, examiner, co_examiner, by=admin)
    judge(co_row, feedback=CO_EXAMINER_SECRET, submit=False)
    later = _submitted_with_file(third_enrolment)
    assign(later, examiner, co_examiner, by=admin)
    later_co_row = later.examiners.get(user=co_examiner)
    judge(later_co_row, feedback=CO_EXAMINER_SECRET, grade=Decimal("7.0"), verdict=Verdict.PASS)
    snapshot = assessment.snapshot
    later_snapshot = later.snapshot
    # A snapshot that carries a file: the evidence's, frozen under its hash.
    frozen = files_of(snapshot.data)
    sha256 = next(iter(frozen)) if frozen else hashlib.sha256(FILE_CONTENT).hexdigest()
    later_frozen = files_of(later_snapshot.data)

    # The thesis.
    project = make_project(enrolment, supervisor=supervisor)
    thesis_services.assign_second_reader(project=project, reader=reader, by=admin)
    appointment = thesis_services.appoint_ethics_reviewer(user=ethics_reviewer, by=admin)
    thesis_version = hand_in(project, "proposal")
    ethics_review = submit_ethics(project, HIGHER_RISK)
    meeting = thesis_services.log_meeting(
        project=project,
        date=datetime.date.today(),
        notes=f"Eerste gesprek {STUDENT_SECRET}",
        actions=[thesis_services.ActionInput("Voorstel schrijven", student)],
        by=supervisor,
    )
    host = HostOrganisation.objects.create(name="Zorggroep")
    feed = thesis_services.regenerate_calendar_token(user=student)

    # A finished progress report of the student, asked for by the student.
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.PROGRESS,
        enrolment=enrolment,
        language="nl",
        source_hash="0" * 64,
        requested_by=student,
        status=ReportJob.Status.DONE,
        progress=100,
        filename="voortgang.pdf",
        finished_at=timezone.now(),
    )
    job.file.save("report.pdf", ContentFile(FILE_CONTENT), save=True)
    job.requesters.add(student)

    # Privacy: the student's finished data export and an erasure request.
    export = DataExport.objects.create(
        subject=student, requested_by=student, language="nl", status=DataExport.Status.DONE
    )
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=True)
    erasure = ErasureRequest.objects.create(subject=student, requested_by=student, reason="Weg.")
    load_default_rules(RetentionRule)
    rule = RetentionRule.objects.order_by("pk").first()

    # Accounts: a pending e-mail confirmation and a password-reset key of the student.
    pending = EmailAddress.objects.create(
        user=student, email="matrix-new@example.org", verified=False, primary=False
    )

    people: dict[str, User | None] = {
        "anonymous": None,
        "student": student,
        "other_student": other_enrolment.student,
        "lecturer": lecturer,
        "other_lecturer": other_lecturer,
        "examiner_before": examiner,
        "examiner_after": examiner,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "reader": reader,
        "ethics_reviewer": ethics_reviewer,
        "admin": admin,
        "no_mfa": no_mfa,
    }
    staff = {lecturer, other_lecturer, examiner, supervisor, other_supervisor, reader}
    for user in staff | {ethics_reviewer, admin}:
        _totp(user)
    # WebAuthn pages get the id of the administrator's TOTP authenticator: not a security key,
    # so nobody may rename or remove it (a fake key's data would break allauth itself).
    security_key = Authenticator.objects.get(user=admin)
    sessions = {role: _logged_in(user) for role, user in people.items() if user is not None}

    kwargs: dict[str, object] = {
        # curriculum and framework
        "version_uuid": version.uuid,
        "programme_uuid": version.programme.uuid,
        "module_uuid": _first_module(version).uuid,
        "period_uuid": _first_module(version).period.uuid,
        "moment_uuid": version.review_moments.get(code="year-1-review").uuid,
        "framework_uuid": framework.uuid,
        "competency_uuid": competency.uuid,
        "rank": framework.levels.order_by("rank").first().rank,
        "code": framework.profiles.first().code,
        "file_format": "csv",
        # cohorts
        "cohort_uuid": cohort.uuid,
        "enrolment_uuid": enrolment.uuid,
        "import_uuid": student_import.uuid,
        "index": 0,
        "assignment_id": assignment.pk,
        "group_uuid": group.uuid,
        "session_uuid": session.uuid,
        # the student's work
        "activity_uuid": activity.uuid,
        "engagement_uuid": engagement.uuid,
        "evidence_uuid": evidence.uuid,
        "request_uuid": feedback_request.uuid,
        "token": feedback_token,
        "portfolio_uuid": draft.uuid,
        "snapshot_uuid": snapshot.uuid,
        "sha256": sha256,
        "assessment_uuid": assessment.uuid,
        "examiner_uuid": co_row.uuid,
        "thread_uuid": thread.uuid,
        # thesis
        "project_uuid": project.uuid,
        "milestone_uuid": milestone(project, "proposal").uuid,
        "review_uuid": ethics_review.uuid,
        "appointment_id": appointment.pk,
        "meeting_uuid": meeting.uuid,
        "action_uuid": meeting.actions.get().uuid,
        "host_uuid": host.uuid,
        # reports and accounts
        "kind": "progress",
        "subject_uuid": enrolment.uuid,
        "job_uuid": job.uuid,
        "user_uuid": student.uuid,
        "person_uuid": student.uuid,
        "export_uuid": export.uuid,
        "category": rule.category,
        "key": EmailConfirmationHMAC(pending).key,
        "uidb36": user_pk_to_url_str(student),
        "provider_id": "surfconext",
        "pk": security_key.pk,
        # Django's admin
        "app_label": "cohorts",
        "url": "no-such-page/",
        "content_type_id": str(ContentType.objects.get_for_model(User).pk),
    }
    kwargs["object_id"] = str(student.pk)
    draft_framework = draft_version.framework
    draft_module = _first_module(draft_version)
    editing = {
        "version_uuid": draft_version.uuid,
        "module_uuid": draft_module.uuid,
        "period_uuid": draft_module.period.uuid,
        "moment_uuid": draft_version.review_moments.get(code="year-1-review").uuid,
        "framework_uuid": draft_framework.uuid,
        "competency_uuid": draft_framework.competencies.order_by("code").first().uuid,
        "code": draft_framework.profiles.first().code,
    }
    by_url: dict[str, dict[str, object]] = {
        f"{app}:{name}": editing for app, names in DRAFT_PAGES.items() for name in names
    }
    by_url |= {
        "thesis:version_review": {"version_uuid": thesis_version.uuid},
        "thesis:version_file": {"version_uuid": thesis_version.uuid},
        "thesis:defence_sign_off": {"milestone_uuid": milestone(project, "defence").uuid},
        "thesis:calendar_feed": {"token": feed.token},
        "privacy:erasure": {"request_uuid": erasure.uuid},
        "privacy:erasure_carry_out": {"request_uuid": erasure.uuid},
        "competencies:feedback_answer": {"token": feedback_token},
        "account_reset_password_from_key": {"key": default_token_generator.make_token(student)},
        "admin:view_on_site": {"object_id": str(student.pk)},
    }
    # The Django admin's object pages: one real object of each registered model.
    for model in admin_site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        instance = student if model is User else model._default_manager.order_by("pk").first()
        if instance is None:
            instance = _admin_object(model, student=student)
        for suffix in ("change", "delete", "history"):
            by_url[prefix + suffix] = {"object_id": str(instance.pk)}
        by_url[f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"] = {
            "object_id": str(instance.pk)
        }
    by_role = {
        "examiner_after": {
            "assessment_uuid": later.uuid,
            "examiner_uuid": later_co_row.uuid,
            "snapshot_uuid": later_snapshot.uuid,
            "sha256": next(iter(later_frozen)) if later_frozen else sha256,
        }
    }
    return World(
        people=people,
        sessions=sessions,
        kwargs=kwargs,
        by_url=by_url,
        by_role=by_role,
        objects={
            "enrolment": enrolment,
            "cohort": cohort,
            "assessment": assessment,
            "later": later,
            "project": project,
        },
    )


def _submitted_with_file(enrolment) -> Assessment:
    """The enrolment's final portfolio, complete (its first evidence with a file), submitted."""
    moment = enrolment.cohort.curriculum_version.review_moments.get(code="final-portfolio")
    portfolio = complete(start(enrolment, moment), content=FILE_CONTENT)
    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=enrolment.student)
    return Assessment.objects.get(snapshot=snapshot)


def _first_module(version):
    from curriculum.models import Module

    return Module.objects.filter(period__year__version=version).order_by("pk").first()


def _admin_object(model, *, student):
    """A row for an admin-registered model that the world does not otherwise need."""
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group as AuthGroup

    from cohorts.models import ImportProfile

    if model is AuthGroup:
        return AuthGroup.objects.create(name="matrix")
    if model is SocialApp:
        return SocialApp.objects.create(provider="openid_connect", name="x", client_id="x")
    if model is SocialAccount:
        return SocialAccount.objects.create(user=student, provider="openid_connect", uid="x")
    if model is SocialToken:
        app = SocialApp.objects.order_by("pk").first() or _admin_object(SocialApp, student=student)
        account = SocialAccount.objects.order_by("pk").first() or _admin_object(
            SocialAccount, student=student
        )
        return SocialToken.objects.create(app=app, account=account, token="x")
    if model is UserSession:
        return UserSession.objects.create(
            user=student, ip="127.0.0.1", session_key="matrix", user_agent="test"
        )
    if model is ImportProfile:
        return ImportProfile.objects.create(name="matrix", columns={})
    # A model the world has no row for: its object pages are asked for a missing id (the admin
    # then answers with a redirect to its list); add a row above to test the real pages.
    return _Missing()


class _Missing:
    pk = 0
