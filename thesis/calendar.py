"""A person's calendar feed (iCalendar, RFC 5545), built with the ``icalendar`` library.

What it holds depends on the roles a person has; someone with several roles gets the union,
each event once (events are keyed by their UID):

- student: their project's milestones (every one, with its status), the review moments of
  their curriculum, their supervision meetings and the open actions they own;
- thesis supervisor: the open milestones and the meetings of their current supervisees, and
  the open actions they own;
- examiner (usually a lecturer): the assessments they examine that are not released yet;
- second reader: the draft, final and defence deadlines of the theses they read;
- programme administrator: the review moments of every running cohort.

Every deadline is an all-day event. Texts are in the person's preferred language. The
number of queries depends on the roles, never on the number of events.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Enrolment
from competencies.models import Assessment, Examiner

from .access import READER_KINDS
from .models import MeetingAction, Milestone, SupervisionMeeting, ThesisProject

PRODID = "-//CoachMaster//Thesis calendar//NL"
DOMAIN = "coachmaster"


@dataclass(frozen=True)
class Entry:
    """One all-day event of the feed."""

    uid: str
    day: datetime.date
    summary: str
    description: str
    path: str  # the page to open, relative to the site


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _uid(kind: str, *parts) -> str:
    return f"{kind}-{'-'.join(str(part) for part in parts)}@{DOMAIN}"


def _milestone_description(milestone: Milestone) -> str:
    return _("Status: %(status)s. Thesis: %(title)s.") % {
        "status": milestone.get_status_display(),
        "title": milestone.project.working_title,
    }


# --- what each role sees -------------------------------------------------------------------------


def _student_entries(user) -> Iterator[Entry]:
    milestones = Milestone.objects.filter(project__enrolment__student=user).select_related(
        "project"
    )
    for milestone in milestones:
        yield Entry(
            uid=_uid("milestone", milestone.uuid),
            day=milestone.due_on,
            summary=_("Thesis: %(milestone)s") % {"milestone": milestone.name},
            description=_milestone_description(milestone),
            path=reverse("thesis:milestone", args=[milestone.uuid]),
        )
    meetings = SupervisionMeeting.objects.filter(project__enrolment__student=user).select_related(
        "project"
    )
    for meeting in meetings:
        yield Entry(
            uid=_uid("meeting", meeting.uuid),
            day=meeting.date,
            summary=_("Supervision meeting"),
            description=_("Thesis: %(title)s.") % {"title": meeting.project.working_title},
            path=reverse("thesis:meeting", args=[meeting.uuid]),
        )
    enrolments = (
        Enrolment.objects.filter(
            student=user,
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED],
            cohort__curriculum_version__isnull=False,
        )
        .select_related("cohort__curriculum_version")
        .prefetch_related("cohort__curriculum_version__review_moments")
    )
    for enrolment in enrolments:
        cohort = enrolment.cohort
        for moment in cohort.curriculum_version.review_moments.all():
            day = moment.due_date(cohort.start_date)
            if day is None:
                continue
            yield Entry(
                uid=_uid("review", cohort.uuid, moment.uuid),
                day=day,
                summary=_("Portfolio review: %(moment)s") % {"moment": moment.name},
                description=_("Submit your portfolio for “%(moment)s” by this date.")
                % {"moment": moment.name},
                path=reverse("competencies:portfolios"),
            )


def _supervisor_entries(user) -> Iterator[Entry]:
    supervised = ThesisProject.objects.supervised_by(user)
    milestones = (
        Milestone.objects.open()
        .filter(project__in=supervised)
        .select_related("project__enrolment__student")
    )
    for milestone in milestones:
        yield Entry(
            uid=_uid("milestone", milestone.uuid),
            day=milestone.due_on,
            summary=_("%(student)s: %(milestone)s")
            % {
                "student": milestone.project.enrolment.student.get_full_name(),
                "milestone": milestone.name,
            },
            description=_milestone_description(milestone),
            path=reverse("thesis:milestone", args=[milestone.uuid]),
        )
    meetings = SupervisionMeeting.objects.filter(project__in=supervised).select_related(
        "project__enrolment__student"
    )
    for meeting in meetings:
        yield Entry(
            uid=_uid("meeting", meeting.uuid),
            day=meeting.date,
            summary=_("Supervision meeting: %(student)s")
            % {"student": meeting.project.enrolment.student.get_full_name()},
            description=_("Thesis: %(title)s.") % {"title": meeting.project.working_title},
            path=reverse("thesis:meeting", args=[meeting.uuid]),
        )


def _action_entries(user) -> Iterator[Entry]:
    """Open actions the person owns, on theses they are (still) the student or supervisor of."""
    projects = Q(meeting__project__enrolment__student=user)
    if user.is_supervisor:
        projects |= Q(meeting__project__in=ThesisProject.objects.supervised_by(user))
    actions = (
        MeetingAction.objects.filter(projects, owner=user, done=False, due_on__isnull=False)
        .select_related("meeting__project")
        .order_by("due_on", "pk")
    )
    for action in actions:
        yield Entry(
            uid=_uid("action", action.uuid),
            day=action.due_on,
            summary=_("Action: %(action)s") % {"action": action.description},
            description=_("Agreed in the supervision meeting of %(date)s. Thesis: %(title)s.")
            % {"date": _date(action.meeting.date), "title": action.meeting.project.working_title},
            path=reverse("thesis:meeting", args=[action.meeting.uuid]),
        )


def _examiner_entries(user) -> Iterator[Entry]:
    examiners = Examiner.objects.filter(
        user=user,
        assessment__status__in=[Assessment.Status.OPEN, Assessment.Status.RECONCILING],
    ).select_related(
        "assessment__portfolio__enrolment__student", "assessment__portfolio__review_moment"
    )
    for examiner in examiners:
        assessment = examiner.assessment
        portfolio = assessment.portfolio
        yield Entry(
            uid=_uid("assessment", assessment.uuid),
            day=assessment.due_on,
            summary=_("Assess: %(student)s — %(moment)s")
            % {
                "student": portfolio.enrolment.student.get_full_name(),
                "moment": portfolio.review_moment.name,
            },
            description=_("Status: %(status)s.") % {"status": assessment.get_status_display()},
            path=reverse("competencies:assessment", args=[assessment.uuid]),
        )


def _reader_entries(user) -> Iterator[Entry]:
    milestones = Milestone.objects.filter(
        kind__in=READER_KINDS, project__in=ThesisProject.objects.read_by(user)
    ).select_related("project__enrolment__student")
    for milestone in milestones:
        yield Entry(
            uid=_uid("milestone", milestone.uuid),
            day=milestone.due_on,
            summary=_("%(student)s: %(milestone)s")
            % {
                "student": milestone.project.enrolment.student.get_full_name(),
                "milestone": milestone.name,
            },
            description=_milestone_description(milestone),
            path=reverse("thesis:milestone", args=[milestone.uuid]),
        )


def _admin_entries(user) -> Iterator[Entry]:
    cohorts = (
        Cohort.objects.filter(status=Cohort.Status.RUNNING, curriculum_version__isnull=False)
        .select_related("curriculum_version")
        .prefetch_related("curriculum_version__review_moments")
    )
    for cohort in cohorts:
        for moment in cohort.curriculum_version.review_moments.all():
            day = moment.due_date(cohort.start_date)
            if day is None:
                continue
            yield Entry(
                uid=_uid("review", cohort.uuid, moment.uuid),
                day=day,
                summary=_("%(cohort)s: %(moment)s")
                % {"cohort": cohort.name, "moment": moment.name},
                description=_("Review moment of cohort %(cohort)s.") % {"cohort": cohort.name},
                path=reverse("cohorts:cohort", args=[cohort.uuid]),
            )


def entries_for(user) -> list[Entry]:
    """Every event of ``user``'s feed, each UID once, in date order."""
    sources = []
    if user.is_student:
        sources.append(_student_entries(user))
    if user.is_supervisor:
        sources.append(_supervisor_entries(user))
    if user.is_student or user.is_supervisor:
        sources.append(_action_entries(user))
    if user.is_lecturer or user.is_supervisor or user.is_programme_admin:
        sources.append(_examiner_entries(user))
    if user.is_lecturer or user.is_supervisor:
        sources.append(_reader_entries(user))
    if user.is_programme_admin:
        sources.append(_admin_entries(user))
    found: dict[str, Entry] = {}
    for source in sources:
        for entry in source:
            found.setdefault(entry.uid, entry)
    return sorted(found.values(), key=lambda entry: (entry.day, entry.summary, entry.uid))


# --- the feed ------------------------------------------------------------------------------------


def build_calendar(user, *, base_url: str | None = None) -> bytes:
    """``user``'s feed as iCalendar bytes; links start with ``base_url`` (the site's address,
    ``SITE_URL`` by default)."""
    base = (base_url if base_url is not None else settings.SITE_URL).rstrip("/")
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("CoachMaster"))
        calendar.add("x-wr-caldesc", _("Your deadlines, review moments and meetings."))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        for entry in entries_for(user):
            event = icalendar.Event()
            event.add("uid", entry.uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + datetime.timedelta(days=1))
            event.add("summary", entry.summary)
            event.add("description", f"{entry.description}\n{base}{entry.path}")
            event.add("url", f"{base}{entry.path}")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
