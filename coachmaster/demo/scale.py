"""A programme at benchmark scale: ``manage.py seed_scale --size S|M|L``.

Where ``seed.py`` builds a small demo through the services, this writes a large programme
straight into the tables, for the benchmarks (``bench/``) and the query-count tests. It
seeds an EMPTY migrated database (one database per size) and is deterministic: the same
size gives the same data, row for row.

Every student gets the same amount of work at every size, so a student's own pages compare
between sizes; only the number of cohorts, students and staff grows. The first cohort has
the same 100 students at every size (fewer only when a test asks for a tiny programme), with
the same data, staff and states, so its pages compare too.

Per student: 3 client engagements, 60 learning activities (20 tagged with a competency), 30
pieces of evidence (each linked to 2 activities, 45 claims), a year-1 portfolio (15 entries,
submitted, assessed or not, see ``_YEAR1_STATES``), a draft final portfolio (19 entries),
a thesis project with 8 milestones in one of six states (``_THESIS_STATES``), its ethics
review, a supervision meeting with an agreed action, and a current supervisor.

Speed: rows are generated in Python and written with PostgreSQL's ``COPY`` (``executemany``
on SQLite, for the test suite), with ids allocated here; sequences are reset afterwards. The
audit trail's triggers (pghistory, through pgtrigger) are ignored for the seed; the
database's own immutability rules still hold, so rows that such a rule freezes (submitted
judgements, released assessments) are written first as open and closed afterwards.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from coachmaster.accounts.models import User
from cohorts.models import (
    Cohort,
    Enrolment,
    EnrolmentStatusChange,
    Group,
    LecturerAssignment,
    SupervisorAssignment,
)
from competencies.defaults import ensure_activity_kinds, load_default_programme
from competencies.models import (
    ActivityKind,
    Approval,
    Assessment,
    AssessmentEvent,
    ClientEngagement,
    Evidence,
    EvidenceClaim,
    Examiner,
    FeedbackMessage,
    FeedbackThread,
    FinalLevel,
    Judgement,
    LearningActivity,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
)
from competencies.services import derive_version
from competencies.snapshots import SCHEMA_VERSION, hash_data
from curriculum.models import CurriculumVersion, ReviewMoment
from thesis.defaults import MILESTONES
from thesis.models import (
    EthicsReview,
    EthicsReviewerAppointment,
    HostOrganisation,
    MeetingAction,
    Milestone,
    MilestoneEvent,
    MilestoneTemplate,
    MilestoneVersion,
    ResearchApproach,
    SupervisionMeeting,
    ThesisProject,
    VersionReview,
)
from thesis.services import ensure_approaches, ensure_templates

SEED = 2026
PASSWORD = "coachmaster-scale"
DOMAIN = "scale.test"
ADMIN_EMAIL = f"admin@{DOMAIN}"


def student_email(number: int) -> str:
    return f"student{number:05d}@{DOMAIN}"


def lecturer_email(number: int) -> str:
    return f"lecturer{number:04d}@{DOMAIN}"


def supervisor_email(number: int) -> str:
    return f"supervisor{number:04d}@{DOMAIN}"


def admin_email(number: int) -> str:
    return ADMIN_EMAIL if number == 1 else f"admin{number:04d}@{DOMAIN}"


# --- the shape of a programme ----------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    cohorts: int
    students: int


SIZES: dict[str, Size] = {
    "S": Size(cohorts=2, students=200),
    "M": Size(cohorts=6, students=2_000),
    "L": Size(cohorts=30, students=10_000),
}

# The first cohort has this many students at every size (see the module docstring).
FIRST_COHORT = 100
STUDENTS_PER_LECTURER = 40
STUDENTS_PER_SUPERVISOR = 25
LEARNING_GROUP = 12
INTERVISION_GROUP = 6

# What every student has, whatever the size (the bench compares a student's pages by this).
PER_STUDENT = {
    "engagements": 3,
    "activities": 60,
    "activity_competencies": 20,
    "evidence": 30,
    "evidence_activities": 60,
    "claims": 45,
    "milestones": 8,
}

# The cohorts' dates: every cohort is in its second year, with a year of work behind it.
COHORT_START = datetime.date(2025, 9, 1)
COHORT_END = datetime.date(2027, 7, 15)
LOG_UNTIL = datetime.date(2026, 11, 20)
THESIS_STARTED = datetime.date(2026, 9, 7)
UTC = datetime.UTC


@dataclass(frozen=True)
class Plan:
    """How many students each cohort has and which staff it gets."""

    cohort_sizes: tuple[int, ...]
    lecturers: tuple[int, ...]  # per cohort
    supervisors: tuple[int, ...]  # per cohort
    admins: int

    @property
    def students(self) -> int:
        return sum(self.cohort_sizes)


def make_plan(*, students: int, cohorts: int) -> Plan:
    if cohorts < 1 or students < cohorts:
        raise ValueError("Every cohort needs at least one student.")
    first = min(FIRST_COHORT, students // cohorts)
    sizes = [first]
    rest, others = students - first, cohorts - 1
    for index in range(others):
        sizes.append(rest // others + (1 if index < rest % others else 0))
    return Plan(
        cohort_sizes=tuple(sizes),
        # At least two lecturers per cohort: an assessment has two different examiners.
        lecturers=tuple(max(2, math.ceil(size / STUDENTS_PER_LECTURER)) for size in sizes),
        supervisors=tuple(max(1, math.ceil(size / STUDENTS_PER_SUPERVISOR)) for size in sizes),
        admins=2 + cohorts // 10,
    )


def size_plan(name: str) -> Plan:
    size = SIZES[name]
    return make_plan(students=size.students, cohorts=size.cohorts)


# --- names and texts ---------------------------------------------------------------------------

GIVEN_NAMES = (
    "Anna", "Bram", "Charlotte", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Iris", "Jesse",
    "Julia", "Kees", "Lieke", "Lars", "Maaike", "Noah", "Nina", "Olaf", "Pien", "Quinten",
    "Roos", "Sem", "Sanne", "Thijs", "Tess", "Ruben", "Vera", "Wouter", "Yara", "Zoë",
    "Marloes", "Jeroen", "Esther", "Koen", "Annemiek", "Pieter", "Nadia", "Youssef", "Fatima",
    "Mehmet", "Sevda", "Rachel", "Ingrid", "Hanneke", "Marc", "Rob", "Lotte", "Milan", "Femke",
    "Stijn", "Saskia", "Bas", "Ilse", "Joost", "Merel", "Tim", "Linda", "Arjen", "Karin", "Dewi",
)  # fmt: skip
NAME_PREFIXES = ("", "", "", "", "", "van", "de", "van der", "van den", "van de", "ter", "el")
FAMILY_NAMES = (
    "Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters",
    "Hendriks", "Dekker", "Brouwer", "Dijkstra", "Koster", "Prins", "Huisman", "Kok", "Willems",
    "Hoekstra", "Boer", "Veenstra", "Wit", "Kramer", "Schouten", "Post", "Kuipers", "Vermeulen",
    "Molenaar", "Jacobs", "Groot", "Verhoeven", "Sedney", "Amrani", "Bouzid", "Yilmaz", "Tromp",
    "Leeuwen", "Berg", "Dijk", "Meer", "Heuvel", "Linden", "Wal", "Graaf", "Beek", "Haan",
    "Hoogendoorn", "Scholten", "Timmermans", "Gerritsen", "Maas", "Evers", "Jonker", "Wouters",
)  # fmt: skip
SECTORS = (
    "Zorg", "Onderwijs", "Lokale overheid", "Welzijn", "Techniek", "Financiële dienstverlening",
    "Logistiek", "Cultuur", "Jeugdzorg", "Woningcorporatie",
)  # fmt: skip
HOST_KINDS = (
    "Zorggroep", "Scholengroep", "Gemeente", "Welzijnsstichting", "Installatiebedrijf",
    "Coöperatie", "Transportbedrijf", "Theatergroep", "Jeugdzorg", "Woonstichting",
)  # fmt: skip
PLACES = (
    "Amstelland", "De Linde", "Westerveen", "Rivierenland", "Noorderkwartier", "Kennemerland",
    "Twentekanaal", "Zuiderzee", "Heuvelrug", "Peelland", "Drechtsteden", "Walcheren",
    "Achterhoek", "Gooi", "Vechtstreek", "Betuwe", "Kempen", "Salland", "Duinstreek", "Waterland",
)  # fmt: skip
TOPICS = (
    "weerstand tegen verandering", "psychologische veiligheid", "teamleren", "feedback geven",
    "het driegesprek", "systemisch kijken", "leiderschap in netwerken", "conflicthantering",
    "waarderend onderzoeken", "reflectie op eigen handelen", "groepsdynamiek", "contracteren",
)  # fmt: skip
BOOKS = (
    "Senge, De vijfde discipline", "Schein, Humble Inquiry", "Edmondson, The Fearless "
    "Organization", "Kessels, Leren in een lerende organisatie", "De Caluwé, Leren veranderen",
    "Argyris & Schön, Organizational Learning", "Hawkins, Leadership Team Coaching",
)  # fmt: skip
REFLECTIONS = (
    "Ik merkte dat ik te snel met een oplossing kwam; de volgende keer vraag ik eerst door.",
    "Het hielp om de opdrachtgever expliciet te vragen wat er met de uitkomst gebeurt.",
    "Door stil te blijven kreeg het team ruimte om zelf de spanning te benoemen.",
    "Mijn eigen ervaring speelde mee in hoe ik de situatie zag; dat heb ik benoemd.",
    "Ik heb de theorie uit de module bewust toegepast en het effect besproken.",
)
FEEDBACK = (
    "Je onderbouwt dit overtuigend met je bewijs; je eigen aandeel is goed zichtbaar.",
    "Je reflectie is eerlijk en concreet: je benoemt wat werkte en waarom.",
    "Het bewijs laat vooral zien wat je deed; maak het effect op de ander zichtbaar.",
)

# (activity kind code, how many of a student's 60, title pattern)
ACTIVITY_PLAN = (
    ("coaching-session", 14, "Coachsessie {n} met {client}"),
    ("team-coaching", 10, "Teamcoaching {team}: sessie {n}"),
    ("organisational-intervention", 6, "Werkconferentie {org}"),
    ("intervision", 6, "Intervisie over {topic}"),
    ("supervision", 4, "Supervisie: {topic}"),
    ("module-session", 8, "Modulebijeenkomst over {topic}"),
    ("literature", 5, "Gelezen: {book}"),
    ("workshop", 3, "Workshop {topic}"),
    ("practice-assignment", 2, "Praktijkopdracht: {topic}"),
    ("research", 2, "Onderzoek: interview over {topic}"),
)
ENGAGEMENT_OF_KIND = {"coaching-session": 0, "team-coaching": 1, "organisational-intervention": 2}
LEVEL_OF_KIND = {
    "coaching-session": ("individual", "coach"),
    "team-coaching": ("team", "coach"),
    "organisational-intervention": ("organisation", "advisor"),
    "practice-assignment": ("network", "advisor"),
    "research": ("organisation", "researcher"),
}
EVIDENCE_KINDS = ("reflection", "observation", "client_feedback", "link", "feedback_360")

# The year-1 portfolio by the student's position in the cohort (index % 10).
RELEASED, OPEN, ONE_SUBMITTED, DRAFT = "released", "open", "one_submitted", "draft"
_YEAR1_STATES = (RELEASED,) * 3 + (OPEN,) * 4 + (ONE_SUBMITTED,) * 2 + (DRAFT,)

# Thesis milestones by the student's position in the cohort (index % 6), in template order.
NS, IP, SU, AP, RV = "not_started", "in_progress", "submitted", "approved", "revise"
_THESIS_STATES = (
    (AP, AP, SU, IP),
    (AP, SU, IP),
    (SU,),
    (RV,),
    (IP,),
    (AP, AP, AP, SU),
)
# The scale programme's thesis trajectory: the default one without a separate analysis.
MILESTONE_KINDS = tuple(item[0] for item in MILESTONES if item[0] != "analysis")


def _rng(kind: int, number: int) -> random.Random:
    """The random stream of one student (kind 1) or member of staff (2-4): the same at every
    size, so the leading students and staff look the same whatever the size."""
    return random.Random(SEED * 10_000_000 + kind * 1_000_000 + number)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=UTC)


def _person(rng: random.Random) -> tuple[str, str, str]:
    given = rng.choice(GIVEN_NAMES)
    family = rng.choice(FAMILY_NAMES)
    prefix = "" if " " in family else rng.choice(NAME_PREFIXES)
    if " " in family:
        prefix, family = family.split(" ", 1)
    return given, prefix, family


# --- writing rows ------------------------------------------------------------------------------


class _Table:
    """Rows for one table, written in one go (``COPY`` on PostgreSQL)."""

    def __init__(self, model, fields: list[str], *, ids: bool = True):
        meta = model._meta
        self.model = model
        self.name = meta.db_table
        names = (["id"] if ids else []) + fields
        self.fields = [meta.get_field(name) for name in names]
        missing = [
            f.name
            for f in meta.concrete_fields
            if not f.null and not f.primary_key and f.name not in names
        ]
        if missing:
            raise ValueError(f"{self.name}: no value for {', '.join(missing)}")
        self.columns = [f.column for f in self.fields]
        self.json = [isinstance(f, models.JSONField) for f in self.fields]
        self.ids = ids
        self.rows: list[tuple] = []
        self.next_id = 1
        self.count = 0

    def add(self, *values) -> int | None:
        if self.ids:
            pk = self.next_id
            self.next_id += 1
            self.rows.append((pk, *values))
            return pk
        self.rows.append(values)
        return None


class _Writer:
    def __init__(self):
        self.tables: list[_Table] = []
        self.postgres = connection.vendor == "postgresql"

    def table(self, model, fields: list[str], *, ids: bool = True) -> _Table:
        table = _Table(model, fields, ids=ids)
        if ids:
            last = model.objects.aggregate(last=models.Max("pk"))["last"]
            table.next_id = (last or 0) + 1
        self.tables.append(table)
        return table

    def flush(self) -> None:
        """Writes every table's rows, in the order the tables were declared (parents first)."""
        for table in self.tables:
            if table.rows:
                self._write(table)
                table.count += len(table.rows)
                table.rows = []

    def _write(self, table: _Table) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                # Any statement through Django's cursor sets pgtrigger's ignore list for the
                # rest of the transaction (COPY itself bypasses Django's execute wrappers).
                cursor.execute("SELECT 1")
                json_columns = [i for i, is_json in enumerate(table.json) if is_json]
                with cursor.cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    for row in table.rows:
                        if json_columns:
                            row = list(row)
                            for i in json_columns:
                                row[i] = json.dumps(row[i], ensure_ascii=False)
                        copy.write_row(row)
                return
            fields = table.fields
            prepared = [
                [
                    f.get_db_prep_save(value, connection)
                    for f, value in zip(fields, row, strict=True)
                ]
                for row in table.rows
            ]
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", prepared)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), [table.model for table in self.tables if table.ids]
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --- the curriculum --------------------------------------------------------------------------


@dataclass
class _Version:
    """What the seed needs of one curriculum version, loaded once."""

    version: CurriculumVersion
    competencies: list  # in framework order
    levels: dict[int, object]  # rank -> level
    moments: dict[str, ReviewMoment]
    targets: dict[str, list[tuple[object, int]]]  # moment code -> [(competency, rank)]
    templates: list[MilestoneTemplate]
    snapshot_base: dict = field(default_factory=dict)


def _versions() -> list[_Version]:
    """Versions 2025 (the default programme) and 2026 (derived from it), both active, each
    with the scale programme's thesis trajectory."""
    first = load_default_programme(version_name="2025")
    second = CurriculumVersion.objects.filter(programme=first.programme, name="2026").first()
    if second is None:
        second = derive_version(version=first, name="2026", by=None)
        second.status = CurriculumVersion.Status.ACTIVE
        second.save(update_fields=["status"])
    loaded = []
    for version in (first, second):
        version = CurriculumVersion.objects.select_related("programme", "framework").get(
            pk=version.pk
        )
        framework = version.framework
        competencies = list(
            framework.competencies.select_related("profile").order_by(
                "profile__position", "position", "code"
            )
        )
        levels = {level.rank: level for level in framework.levels.all()}
        moments = {m.code: m for m in version.review_moments.all()}
        targets = {}
        for code, moment in moments.items():
            found = {t.competency_id: t.level.rank for t in moment.targets.select_related("level")}
            targets[code] = [(c, found[c.pk]) for c in competencies if c.pk in found]
        ensure_templates(version, kinds=MILESTONE_KINDS)
        templates = list(version.milestone_templates.order_by("position"))
        data = _Version(version, competencies, levels, moments, targets, templates)
        data.snapshot_base = {
            "curriculum_version": {
                "programme": _names(version.programme),
                "name": version.name,
                "framework": _names(framework),
            },
            "scale": [{"rank": rank, "names": _names(levels[rank])} for rank in sorted(levels)],
        }
        loaded.append(data)
    return loaded


def _names(obj) -> dict:
    return {"nl": obj.name_nl, "en": obj.name_en}


# --- the seed --------------------------------------------------------------------------------


class _Seed:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.w = _Writer()
        self.password = make_password(PASSWORD)
        self.now = _at(LOG_UNTIL, 12)
        self.kinds = {kind.code: kind for kind in ActivityKind.objects.all()}
        self.approaches = list(ResearchApproach.objects.order_by("position", "code"))
        self.versions = _versions()
        w = self.w
        self.users = w.table(
            User,
            [
                "password", "email", "uuid", "given_name", "name_prefix", "family_name",
                "preferred_language", "weekly_digest", "is_student", "is_lecturer",
                "is_supervisor", "is_programme_admin", "suggested_role", "is_active",
                "is_superuser", "date_joined",
            ],
        )  # fmt: skip
        self.emails = w.table(EmailAddress, ["user", "email", "verified", "primary"], ids=False)
        self.cohorts = w.table(
            Cohort, ["uuid", "name", "start_date", "end_date", "curriculum_version", "status"]
        )
        self.enrolments = w.table(
            Enrolment,
            ["uuid", "cohort", "student", "student_number", "status", "status_since",
             "enrolled_on"],
        )  # fmt: skip
        self.status_changes = w.table(
            EnrolmentStatusChange,
            ["enrolment", "from_status", "to_status", "effective_on", "reason", "changed_at"],
            ids=False,
        )
        self.lecturer_assignments = w.table(
            LecturerAssignment,
            ["cohort", "lecturer", "teaches", "examines", "assigned_at", "assigned_by"],
            ids=False,
        )
        self.supervisor_assignments = w.table(
            SupervisorAssignment,
            ["enrolment", "supervisor", "assigned_at", "assigned_by"],
            ids=False,
        )
        self.groups = w.table(Group, ["uuid", "cohort", "kind", "name", "facilitator"])
        self.members = w.table(Group.members.through, ["group", "enrolment"], ids=False)
        self.engagements = w.table(
            ClientEngagement,
            ["uuid", "enrolment", "client_code", "sector", "client_type", "group_size", "paid",
             "internal", "sponsor", "goals", "contract_goals", "contract_confidentiality",
             "contract_reporting", "contract_evaluation", "contract_agreed_on", "consent",
             "consent_on", "started_on", "ended_on", "created_at"],
        )  # fmt: skip
        self.activities = w.table(
            LearningActivity,
            ["uuid", "enrolment", "kind", "date", "hours", "title", "system_level", "role",
             "engagement", "description", "reflection", "created_at", "updated_at"],
        )  # fmt: skip
        self.activity_competencies = w.table(
            LearningActivity.competencies.through, ["learningactivity", "competency"], ids=False
        )
        self.evidence = w.table(
            Evidence,
            ["uuid", "enrolment", "title", "kind", "text", "url", "file", "original_name",
             "content_type", "sha256", "created_at", "updated_at"],
        )  # fmt: skip
        self.evidence_activities = w.table(
            Evidence.activities.through, ["evidence", "learningactivity"], ids=False
        )
        self.claims = w.table(
            EvidenceClaim, ["evidence", "competency", "level", "justification"], ids=False
        )
        self.portfolios = w.table(
            Portfolio,
            ["uuid", "enrolment", "review_moment", "overall_reflection", "development_plan",
             "status", "assessment_started_at", "created_at", "updated_at"],
        )  # fmt: skip
        self.entries = w.table(
            PortfolioEntry, ["portfolio", "competency", "self_level", "argument"]
        )
        self.entry_evidence = w.table(
            PortfolioEntry.evidence.through, ["portfolioentry", "evidence"], ids=False
        )
        self.snapshots = w.table(
            PortfolioSnapshot,
            ["uuid", "portfolio", "number", "data", "sha256", "submitted_at", "submitted_by"],
        )
        self.assessments = w.table(
            Assessment,
            ["uuid", "portfolio", "snapshot", "status", "due_on", "created_at",
             "escalation_reason", "revision", "final_verdict", "final_grade",
             "joint_explanation", "revised_at", "revised_by", "released_by"],
        )  # fmt: skip
        self.examiners = w.table(
            Examiner,
            ["uuid", "assessment", "user", "position", "assigned_at", "assigned_by", "verdict",
             "feedback", "draft_saved_at"],
        )  # fmt: skip
        self.judgements = w.table(
            Judgement, ["examiner", "competency", "level", "feedback"], ids=False
        )
        self.final_levels = w.table(FinalLevel, ["assessment", "competency", "level"], ids=False)
        self.approvals = w.table(Approval, ["assessment", "examiner", "revision", "at"], ids=False)
        self.events = w.table(
            AssessmentEvent, ["assessment", "kind", "actor", "at", "data", "reason"], ids=False
        )
        self.threads = w.table(
            FeedbackThread,
            ["uuid", "enrolment", "lecturer", "evidence", "subject", "status", "created_at",
             "updated_at"],
        )  # fmt: skip
        self.messages = w.table(
            FeedbackMessage, ["thread", "author", "text", "created_at"], ids=False
        )
        self.hosts = w.table(
            HostOrganisation,
            ["uuid", "name", "sector", "contact_name", "contact_email", "contact_phone",
             "agreement", "confidential", "may_be_named", "sponsor_name", "notes",
             "created_at"],
        )  # fmt: skip
        self.projects = w.table(
            ThesisProject,
            ["uuid", "enrolment", "working_title", "research_question", "approach", "design",
             "host_organisation", "host_relation", "status", "created_at", "updated_at",
             "version"],
        )  # fmt: skip
        self.milestones = w.table(
            Milestone,
            ["uuid", "project", "kind", "name_nl", "name_en", "description_nl",
             "description_en", "position", "due_on", "status", "changed_at", "approved_at",
             "approved_by"],
        )  # fmt: skip
        self.versions_table = w.table(
            MilestoneVersion,
            ["uuid", "milestone", "number", "file", "original_name", "content_type", "size",
             "sha256", "comment", "uploaded_by", "uploaded_at"],
        )  # fmt: skip
        self.reviews = w.table(
            VersionReview, ["version", "decision", "feedback", "by", "at"], ids=False
        )
        self.milestone_events = w.table(
            MilestoneEvent,
            [
                "milestone",
                "kind",
                "from_status",
                "to_status",
                "old_due_on",
                "new_due_on",
                "reason",
                "version",
                "by",
                "at",
            ],
            ids=False,
        )
        self.ethics = w.table(
            EthicsReview,
            ["uuid", "project", "number", "answers", "consent_procedure", "data_management",
             "risk_class", "route", "status", "design_fingerprint", "reason_for_round",
             "submitted_at", "decided_at", "decided_by", "decision_note", "referral_note",
             "updated_at"],
        )  # fmt: skip
        self.meetings = w.table(
            SupervisionMeeting,
            [
                "uuid",
                "project",
                "date",
                "notes",
                "logged_by",
                "created_at",
                "updated_at",
                "version",
            ],
        )
        self.actions = w.table(
            MeetingAction, ["uuid", "meeting", "description", "owner", "due_on", "done",
                            "done_at"],
        )  # fmt: skip

    # --- people ---

    def _user(self, email: str, rng: random.Random, *, role: str) -> int:
        given, prefix, family = _person(rng)
        pk = self.users.add(
            self.password, email, _uuid(rng), given, prefix, family, "nl", True,
            role == "student", role == "lecturer", role == "supervisor", role == "admin",
            "", True, False, _at(COHORT_START - datetime.timedelta(days=30)),
        )  # fmt: skip
        self.emails.add(pk, email, True, True)
        return pk

    def run(self) -> None:
        plan = self.plan
        self.admin_ids = [
            self._user(admin_email(n), _rng(4, n), role="admin") for n in range(1, plan.admins + 1)
        ]
        self.admin = self.admin_ids[0]
        host_count = max(3, math.ceil(plan.students / 20))
        for n in range(host_count):
            rng = _rng(5, n)
            name = (
                f"{HOST_KINDS[n % len(HOST_KINDS)]} {PLACES[(n // len(HOST_KINDS)) % len(PLACES)]}"
            )
            if n >= len(HOST_KINDS) * len(PLACES):
                name += f" {n // (len(HOST_KINDS) * len(PLACES)) + 1}"
            self.hosts.add(
                _uuid(rng), name, SECTORS[n % len(SECTORS)], rng.choice(FAMILY_NAMES),
                f"contact{n + 1}@host.{DOMAIN}", "", ("signed", "sent", "draft")[n % 3],
                n % 7 == 0, n % 5 != 0, "", "", _at(COHORT_START),
            )  # fmt: skip
        self.host_first_id = self.hosts.next_id - host_count
        self.host_count = host_count

        lecturer_number = supervisor_number = student_number = 0
        for index, size in enumerate(plan.cohort_sizes):
            version = self.versions[index % len(self.versions)]
            self.cohort_name = f"2025–2027 G{index + 1:02d}"
            cohort_rng = _rng(6, index)
            cohort = self.cohorts.add(
                _uuid(cohort_rng), self.cohort_name, COHORT_START, COHORT_END,
                version.version.pk, "running",
            )  # fmt: skip
            lecturers = []
            for _ in range(plan.lecturers[index]):
                lecturer_number += 1
                pk = self._user(
                    lecturer_email(lecturer_number), _rng(2, lecturer_number), role="lecturer"
                )
                lecturers.append(pk)
                if lecturer_number == 2:
                    self.ethics_reviewer = pk
                self.lecturer_assignments.add(
                    cohort, pk, True, True, _at(COHORT_START - datetime.timedelta(days=14)),
                    self.admin,
                )  # fmt: skip
            supervisors = []
            for _ in range(plan.supervisors[index]):
                supervisor_number += 1
                supervisors.append(
                    self._user(
                        supervisor_email(supervisor_number),
                        _rng(3, supervisor_number),
                        role="supervisor",
                    )
                )
            enrolments = []
            for position in range(size):
                student_number += 1
                enrolments.append(
                    self._student(
                        student_number, position, cohort, version, lecturers, supervisors
                    )
                )
            self._groups(cohort, cohort_rng, enrolments, lecturers, supervisors)
            self.w.flush()
        self._close_rounds()
        self.w.reset_sequences()
        EthicsReviewerAppointment.objects.create(
            reviewer_id=self.ethics_reviewer, assigned_by_id=self.admin
        )

    def _groups(self, cohort, rng, enrolments, lecturers, supervisors) -> None:
        for kind, size, facilitators, label in (
            ("learning", LEARNING_GROUP, lecturers, "Leergroep"),
            ("intervision", INTERVISION_GROUP, supervisors, "Intervisiegroep"),
        ):
            for number, start in enumerate(range(0, len(enrolments), size)):
                group = self.groups.add(
                    _uuid(rng), cohort, kind, f"{label} {number + 1}",
                    facilitators[number % len(facilitators)],
                )  # fmt: skip
                for enrolment in enrolments[start : start + size]:
                    self.members.add(group, enrolment)

    # --- one student ---

    def _student(self, number, position, cohort, version, lecturers, supervisors) -> int:
        rng = _rng(1, number)
        student = self._user(student_email(number), rng, role="student")
        paused = position % 50 == 47
        enrolment = self.enrolments.add(
            _uuid(rng), cohort, student, f"{30_000_000 + number:08d}",
            "paused" if paused else "active",
            datetime.date(2026, 6, 1) if paused else None, COHORT_START,
        )  # fmt: skip
        if paused:
            self.status_changes.add(
                enrolment, "active", "paused", datetime.date(2026, 6, 1),
                "Tijdelijk gestopt om persoonlijke redenen.", _at(datetime.date(2026, 5, 28)),
            )  # fmt: skip
        supervisor = supervisors[min(position // STUDENTS_PER_SUPERVISOR, len(supervisors) - 1)]
        self.supervisor_assignments.add(
            enrolment, supervisor, _at(datetime.date(2026, 6, 15)), self.admin
        )
        activities, evidence = self._work(rng, enrolment, version)
        self._portfolios(rng, position, student, enrolment, version, lecturers, evidence)
        self._thesis(rng, number, position, student, enrolment, version, supervisor)
        if position % 10 == 5:
            thread = self.threads.add(
                _uuid(rng), enrolment, lecturers[0], evidence[0]["pk"],
                evidence[0]["title"], "open", _at(datetime.date(2026, 11, 12)),
                _at(datetime.date(2026, 11, 12)),
            )  # fmt: skip
            self.messages.add(
                thread, student, "Laat dit bewijs genoeg van mijn eigen rol zien?",
                _at(datetime.date(2026, 11, 12)),
            )  # fmt: skip
        return enrolment

    def _work(self, rng, enrolment, version):
        """Engagements, the learning log and the evidence: the same amount for everyone."""
        sector = rng.choice(SECTORS)
        engagements = []
        for code, client_type, group_size, sponsor in (
            (f"C-{rng.randint(1, 99):02d}", "individual", None, "HR-adviseur"),
            (f"Team {rng.choice(PLACES)}", "group", rng.randint(5, 12), "Teamleider"),
            (f"Organisatie {rng.choice(PLACES)}", "group", rng.randint(20, 60), "Directeur"),
        ):
            started = COHORT_START + datetime.timedelta(days=rng.randint(20, 90))
            engagements.append(
                (
                    self.engagements.add(
                        _uuid(rng), enrolment, code, sector, client_type, group_size,
                        rng.random() < 0.5, rng.random() < 0.3, sponsor,
                        f"Werken aan {rng.choice(TOPICS)}.", "Doelen afgesproken in het "
                        "driegesprek.", "Wat in de sessies besproken wordt blijft vertrouwelijk.",
                        "Twee keer per jaar een kort verslag aan de opdrachtgever.",
                        "Halverwege en aan het einde.", started, True, started, started, None,
                        _at(started),
                    ),
                    code,
                )
            )  # fmt: skip

        kinds = [(code, pattern) for code, count, pattern in ACTIVITY_PLAN for _ in range(count)]
        rng.shuffle(kinds)
        span = (LOG_UNTIL - COHORT_START).days - 14
        days = sorted(rng.randrange(span) for _ in kinds)
        competencies = version.competencies
        activities = []
        seen: Counter = Counter()
        for index, ((code, pattern), offset) in enumerate(zip(kinds, days, strict=True)):
            day = COHORT_START + datetime.timedelta(days=14 + offset)
            seen[code] += 1
            link = ENGAGEMENT_OF_KIND.get(code)
            engagement = engagements[link] if link is not None else None
            title = pattern.format(
                n=seen[code],
                client=engagements[0][1],
                team=engagements[1][1],
                org=engagements[2][1],
                topic=rng.choice(TOPICS),
                book=rng.choice(BOOKS),
            )
            system_level, role = LEVEL_OF_KIND.get(code, ("", ""))
            hours = Decimal(rng.choice(("1.00", "1.50", "2.00", "2.50", "3.00")))
            pk = self.activities.add(
                _uuid(rng), enrolment, self.kinds[code].pk, day, hours, title,
                system_level, role, engagement[0] if engagement else None,
                f"Voorbereid en uitgevoerd; thema: {rng.choice(TOPICS)}.",
                rng.choice(REFLECTIONS) if index % 2 == 0 else "",
                _at(day, 19, index % 60), _at(day, 19, index % 60),
            )  # fmt: skip
            activities.append(
                {"pk": pk, "title": title, "date": day, "hours": hours, "level": system_level,
                 "role": role}
            )  # fmt: skip
            if index % 3 == 0:
                self.activity_competencies.add(pk, competencies[index % len(competencies)].pk)

        year1 = version.targets["year-1-review"]
        final = version.targets["final-portfolio"]
        evidence = []
        for index in range(PER_STUDENT["evidence"]):
            first, second = activities[2 * index], activities[2 * index + 1]
            kind = EVIDENCE_KINDS[index % len(EVIDENCE_KINDS)]
            title = {
                "reflection": "Reflectieverslag: {t}",
                "observation": "Observatie door medestudent: {t}",
                "client_feedback": "Feedback van de opdrachtgever op {t}",
                "link": "Verslag online: {t}",
                "feedback_360": "360°-feedback na {t}",
            }[kind].format(t=first["title"][0].lower() + first["title"][1:])
            created = _at(second["date"] + datetime.timedelta(days=1), 20, index)
            text = f"{rng.choice(REFLECTIONS)} {rng.choice(REFLECTIONS)}"
            url = f"https://verslagen.{DOMAIN}/{enrolment}/{index + 1}" if kind == "link" else ""
            evidence_uuid = _uuid(rng)
            pk = self.evidence.add(
                evidence_uuid,
                enrolment,
                title,
                kind,
                text,
                url,
                "",
                "",
                "",
                "",
                created,
                created,
            )
            self.evidence_activities.add(pk, first["pk"])
            self.evidence_activities.add(pk, second["pk"])
            claims = [(year1[index % len(year1)][0], rng.randint(1, 3))]
            if index % 2:
                claims.append((final[(index // 2) % len(final)][0], rng.randint(2, 3)))
            for competency, rank in claims:
                self.claims.add(
                    pk, competency.pk, version.levels[rank].pk,
                    "Dit laat zien hoe ik bewust koos en wat het effect was.",
                )  # fmt: skip
            evidence.append(
                {"pk": pk, "title": title, "kind": kind, "text": text, "url": url,
                 "claims": claims, "activities": (first, second), "uuid": evidence_uuid}
            )  # fmt: skip
        return activities, evidence

    def _portfolios(self, rng, position, student, enrolment, version, lecturers, evidence):
        state = _YEAR1_STATES[position % len(_YEAR1_STATES)]
        moment = version.moments["year-1-review"]
        submitted_on = (
            datetime.date(2026, 6, 25)
            if state == RELEASED
            else datetime.date(2026, 11, 6) + datetime.timedelta(days=position % 10)
        )
        started = state in (RELEASED, ONE_SUBMITTED)
        portfolio = self.portfolios.add(
            _uuid(rng), enrolment, moment.pk,
            "Dit jaar leerde ik vooral mijn eigen aandeel in de dynamiek te zien.",
            "In jaar 2 werk ik aan interventies op organisatieniveau.", "draft",
            _at(submitted_on + datetime.timedelta(days=3)) if started else None,
            _at(datetime.date(2026, 5, 1)), _at(submitted_on),
        )  # fmt: skip
        chosen = {}
        for k, (competency, target) in enumerate(version.targets["year-1-review"]):
            items = [evidence[k % len(evidence)], evidence[(k + 15) % len(evidence)]]
            chosen[competency.pk] = (target, items)
            entry = self.entries.add(
                portfolio, competency.pk, version.levels[target].pk,
                f"Mijn bewijs laat zien dat ik {competency.name_nl[0].lower()}"
                f"{competency.name_nl[1:]} op niveau {target} beheers.",
            )  # fmt: skip
            for item in items:
                self.entry_evidence.add(entry, item["pk"])
        # The final portfolio, a draft in progress: the student's current portfolio.
        current = self.portfolios.add(
            _uuid(rng), enrolment, version.moments["final-portfolio"].pk, "", "", "draft",
            None, _at(datetime.date(2026, 9, 15)), _at(datetime.date(2026, 11, 15)),
        )  # fmt: skip
        for k, (competency, target) in enumerate(version.targets["final-portfolio"]):
            filled = k < 13
            entry = self.entries.add(
                current, competency.pk, version.levels[target].pk if filled else None,
                "Eerste opzet van mijn argumentatie." if filled else "",
            )  # fmt: skip
            if filled:
                for item in (evidence[(2 * k) % 30], evidence[(2 * k + 1) % 30]):
                    self.entry_evidence.add(entry, item["pk"])
        if state == DRAFT:
            return

        submitted_at = _at(submitted_on, 16)
        data = self._snapshot_data(version, moment, student, enrolment, chosen, submitted_at)
        snapshot = self.snapshots.add(
            _uuid(rng), portfolio, 1, data, hash_data(data), submitted_at, student
        )
        n = len(lecturers)
        first, second = lecturers[position % n], lecturers[(position + 1) % n]
        due = submitted_on + datetime.timedelta(days=15)
        released = state == RELEASED
        proposed = _at(submitted_on + datetime.timedelta(days=12))
        assessment = self.assessments.add(
            _uuid(rng), portfolio, snapshot,
            # Released ones are written open and released in ``_close_rounds``.
            "reconciling" if released else "open", due, submitted_at, "",
            1 if released else 0, "pass" if released else "", None,
            "We zijn het eens: je portfolio laat op alle competenties het streefniveau zien."
            if released else "",
            proposed if released else None, first if released else None,
            first if released else None,
        )  # fmt: skip
        events = self.events
        events.add(assessment, "created", student, submitted_at, {"round": 1}, "")
        examiners = [first] if released else [first, second]
        assigned = _at(submitted_on + datetime.timedelta(days=2))
        examiner_ids = []
        for number, user in enumerate(examiners, start=1):
            submits = released or (state == ONE_SUBMITTED and number == 1)
            examiner_ids.append(
                self.examiners.add(
                    _uuid(rng), assessment, user, number, assigned, self.admin,
                    "pass" if submits else "",
                    "Een sterk portfolio met overtuigend bewijs." if submits else "",
                    _at(submitted_on + datetime.timedelta(days=8)) if submits else None,
                )
            )  # fmt: skip
            events.add(
                assessment, "assigned", self.admin, assigned,
                {"user": user, "position": number}, "",
            )  # fmt: skip
            if submits:
                for k, (competency_pk, (target, _items)) in enumerate(chosen.items()):
                    self.judgements.add(
                        examiner_ids[-1], competency_pk, version.levels[target].pk,
                        FEEDBACK[(k + position) % len(FEEDBACK)],
                    )  # fmt: skip
                events.add(
                    assessment, "submitted", user,
                    _at(submitted_on + datetime.timedelta(days=8)),
                    {"examiner": number, "verdict": "pass"}, "",
                )  # fmt: skip
        if released:
            for competency_pk, (target, _items) in chosen.items():
                self.final_levels.add(assessment, competency_pk, version.levels[target].pk)
            self.approvals.add(assessment, examiner_ids[0], 1, proposed)
            events.add(assessment, "proposed", first, proposed, {"revision": 1}, "")
            events.add(
                assessment, "released", first, proposed + datetime.timedelta(days=1),
                {"verdict": "pass"}, "",
            )  # fmt: skip

    def _snapshot_data(self, version, moment, student, enrolment, chosen, submitted_at) -> dict:
        user = self.users.rows[-1]  # the student was the last user added
        assert user[0] == student
        name = " ".join(p for p in (user[4], user[5], user[6]) if p)
        enrolment_row = self.enrolments.rows[-1]
        competencies = []
        for competency in version.competencies:
            if competency.pk not in chosen:
                continue
            target, items = chosen[competency.pk]
            competencies.append(
                {
                    "code": competency.code,
                    "names": _names(competency),
                    "profile": competency.profile.code,
                    "role": competency.role,
                    "target_level": target,
                    "self_level": target,
                    "argument": "Mijn bewijs laat zien dat ik dit op het streefniveau beheers.",
                    "evidence": [
                        {
                            "uuid": str(item["uuid"]),
                            "title": item["title"],
                            "kind": item["kind"],
                            "text": item["text"],
                            "url": item["url"],
                            "file": None,
                            "claims": [
                                {
                                    "competency": claimed.code,
                                    "level": rank,
                                    "justification": "Dit laat zien hoe ik bewust koos.",
                                }
                                for claimed, rank in sorted(
                                    item["claims"], key=lambda c: c[0].code
                                )
                            ],
                            "activities": [
                                {
                                    "title": a["title"],
                                    "date": a["date"].isoformat(),
                                    "hours": str(a["hours"]),
                                    "system_level": a["level"],
                                    "role": a["role"],
                                }
                                for a in item["activities"]
                            ],
                        }
                        for item in sorted(items, key=lambda i: (i["title"], i["pk"]))
                    ],
                }
            )
        due = moment.due_date(COHORT_START)
        return {
            "schema": SCHEMA_VERSION,
            "number": 1,
            "submitted_at": submitted_at.isoformat(),
            "student": {"name": name, "student_number": enrolment_row[4]},
            "cohort": {"name": self.cohort_name, "start_date": COHORT_START.isoformat()},
            **version.snapshot_base,
            "review_moment": {
                "code": moment.code,
                "names": _names(moment),
                "year": moment.year,
                "due_date": due.isoformat() if due else None,
            },
            "competencies": competencies,
            "overall_reflection": "Dit jaar leerde ik vooral mijn eigen aandeel te zien.",
            "development_plan": "In jaar 2 werk ik aan interventies op organisatieniveau.",
        }

    def _thesis(self, rng, number, position, student, enrolment, version, supervisor) -> None:
        states = _THESIS_STATES[position % len(_THESIS_STATES)]
        approach = self.approaches[position % len(self.approaches)]
        host = self.host_first_id + ((number - 1) // 20) % self.host_count
        topic = rng.choice(TOPICS)
        started = _at(THESIS_STARTED)
        research = states[0] == AP
        project = self.projects.add(
            _uuid(rng), enrolment, f"{topic[0].upper()}{topic[1:]} in {rng.choice(PLACES)}",
            f"Hoe kan teamcoaching bijdragen aan {topic}?", approach.pk,
            "Interviews en observaties in twee teams." if research else "", host,
            ("employer", "client", "other")[position % 3],
            "research" if research else "proposal", started, started, 1,
        )  # fmt: skip
        ethics_status = "draft"
        for index, template in enumerate(version.templates):
            status = states[index] if index < len(states) else NS
            due = template.due_date(COHORT_START)
            changed = started + datetime.timedelta(days=7 * (index + 1))
            approved = status == AP
            milestone = self.milestones.add(
                _uuid(rng), project, template.kind, template.name_nl, template.name_en,
                template.description_nl, template.description_en, template.position, due,
                status, changed if status != NS else started,
                changed + datetime.timedelta(days=3) if approved else None,
                supervisor if approved else None,
            )  # fmt: skip
            events = self.milestone_events
            events.add(milestone, "created", "", NS, None, due, "", None, student, started)
            if status == NS:
                continue
            events.add(milestone, "started", NS, IP, None, None, "", None, student, changed)
            if status == IP:
                continue
            handed_in = changed + datetime.timedelta(days=1)
            version_pk = None
            if template.kind == "ethics":
                ethics_status = "approved" if approved else "submitted"
            else:
                version_pk = self.versions_table.add(
                    _uuid(rng), milestone, 1,
                    f"thesis/{number}/{template.kind}/{rng.getrandbits(64):016x}.pdf",
                    f"{template.kind}-v1.pdf", "application/pdf", 48_213,
                    f"{rng.getrandbits(256):064x}", "", student, handed_in,
                )  # fmt: skip
            events.add(milestone, "submitted", IP, SU, None, None, "", version_pk, student,
                       handed_in)  # fmt: skip
            if status in (AP, RV):
                decided = handed_in + datetime.timedelta(days=2)
                if version_pk is not None:
                    self.reviews.add(
                        version_pk, "approved" if approved else "revise",
                        "Akkoord." if approved else "Maak je vraag scherper en bakenen af.",
                        supervisor, decided,
                    )  # fmt: skip
                events.add(milestone, "approved" if approved else "revise", SU, status, None,
                           None, "", version_pk, supervisor, decided)  # fmt: skip
        submitted = ethics_status in ("submitted", "approved")
        self.ethics.add(
            _uuid(rng), project, 1, {"insider": "no", "consent": "yes"} if submitted else {},
            "Deelnemers tekenen vooraf een toestemmingsformulier." if submitted else "",
            "Gepseudonimiseerd op de onderzoeksschijf." if submitted else "",
            "low" if submitted else "", "supervisor" if submitted else "", ethics_status, "",
            "", started + datetime.timedelta(days=15) if submitted else None,
            started + datetime.timedelta(days=18) if ethics_status == "approved" else None,
            supervisor if ethics_status == "approved" else None, "", "", started,
        )  # fmt: skip
        day = datetime.date(2026, 10, 1) + datetime.timedelta(days=position % 20)
        meeting = self.meetings.add(
            _uuid(rng), project, day, f"We bespraken de aanpak van het onderzoek naar {topic}.",
            supervisor, _at(day, 11), _at(day, 11), 1,
        )  # fmt: skip
        self.actions.add(
            _uuid(rng), meeting, "Conceptvoorstel of volgende versie insturen", student,
            day + datetime.timedelta(days=14), False, None,
        )  # fmt: skip

    def _close_rounds(self) -> None:
        """What the immutability rules freeze is closed only now, after its rows exist:
        examiners submit, released assessments are released, portfolios point at their
        snapshot."""
        Examiner.objects.filter(submitted_at__isnull=True).exclude(verdict="").update(
            submitted_at=models.F("draft_saved_at")
        )
        Assessment.objects.filter(
            status=Assessment.Status.RECONCILING, released_by__isnull=False
        ).update(
            status=Assessment.Status.RELEASED,
            released_at=models.F("revised_at") + datetime.timedelta(days=1),
        )
        Portfolio.objects.filter(current_snapshot__isnull=True, snapshots__isnull=False).update(
            status=Portfolio.Status.SUBMITTED,
            current_snapshot=models.Subquery(
                PortfolioSnapshot.objects.filter(portfolio=models.OuterRef("pk"))
                .order_by("-number")
                .values("pk")[:1]
            ),
        )
        Portfolio.objects.filter(assessments__status=Assessment.Status.RELEASED).update(
            status=Portfolio.Status.ASSESSED
        )

    def counts(self) -> dict[str, int]:
        return {table.name: table.count for table in self.w.tables}


class NotEmpty(Exception):
    """The database already holds a programme: seed_scale only seeds an empty one."""


def seed_scale(*, students: int, cohorts: int) -> tuple[dict[str, int], float]:
    """Seeds the programme into an empty database. Returns the rows written per table and
    the seconds it took."""
    if Enrolment.objects.exists() or Cohort.objects.exists():
        raise NotEmpty
    import pgtrigger

    began = time.monotonic()
    plan = make_plan(students=students, cohorts=cohorts)
    with pgtrigger.ignore(), transaction.atomic():
        ensure_activity_kinds()
        ensure_approaches()
        seed = _Seed(plan)
        seed.run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return seed.counts(), time.monotonic() - began
