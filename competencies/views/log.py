"""The learning log: activities (quick entry, inline editing, a week view), client engagements
and the coaching-hours ledger with its client-log export.

The student's own pages have no id in their address (``log/``); staff read the same pages of
an assigned student at ``students/<enrolment uuid>/log/…``. Only the student writes: staff get
403 on every write, everyone else 404 on everything of someone else's.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, Count, DecimalField, F, Q, Sum, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from coachmaster.uploads import content_disposition
from cohorts.exports import to_csv, to_xlsx
from cohorts.models import Attendance, Enrolment

from .. import ledger as ledgers
from ..access import enrolment_for, is_owner
from ..forms.log import ActivityFilterForm, ActivityForm, EngagementForm, QuickActivityForm
from ..models import ActivityKind, ClientEngagement, LearningActivity
from ..models.log import EnactedRole, SystemLevel
from ..services.log import delete_activity, duplicate_activity, save_activity, save_engagement

PER_PAGE = 25
ACTIVITY, ATTENDANCE = "a", "i"
TOTAL = DecimalField(max_digits=12, decimal_places=2)
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# --- lookups --------------------------------------------------------------------------------


def get_activity_for(user, activity_uuid) -> LearningActivity:
    return get_object_or_404(
        LearningActivity.objects.visible_to(user).select_related(
            "kind", "engagement", "enrolment__student", "enrolment__cohort"
        ),
        uuid=activity_uuid,
    )


def get_engagement_for(user, engagement_uuid) -> ClientEngagement:
    return get_object_or_404(
        ClientEngagement.objects.visible_to(user).select_related(
            "enrolment__student", "enrolment__cohort"
        ),
        uuid=engagement_uuid,
    )


def _require_owner(request: HttpRequest, enrolment: Enrolment) -> None:
    if not is_owner(request.user, enrolment):
        raise PermissionDenied


def log_urls(user, enrolment: Enrolment) -> dict[str, str]:
    """Where the log's pages are for this viewer: without an id for the student, with the
    enrolment's id for staff."""
    if is_owner(user, enrolment):
        return {
            "log": reverse("competencies:log"),
            "week": reverse("competencies:log_week"),
            "engagements": reverse("competencies:engagement_list"),
            "hours": reverse("competencies:hours_ledger"),
        }
    args = [enrolment.uuid]
    return {
        "log": reverse("competencies:log_student", args=args),
        "week": reverse("competencies:log_week_student", args=args),
        "engagements": reverse("competencies:engagement_list_student", args=args),
        "hours": reverse("competencies:hours_ledger_student", args=args),
    }


def _base_context(request: HttpRequest, enrolment: Enrolment) -> dict:
    owner = is_owner(request.user, enrolment)
    return {
        "enrolment": enrolment,
        "can_edit": owner,
        "is_own": owner,
        "urls": log_urls(request.user, enrolment),
    }


# --- the list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """A row of the log: an activity the student wrote, or intervision attendance."""

    date: datetime.date
    hours: Decimal
    activity: LearningActivity | None = None
    attendance: Attendance | None = None


def _intervision_kind(kinds: list[ActivityKind]) -> ActivityKind | None:
    return next((kind for kind in kinds if kind.code == ledgers.INTERVISION), None)


def _log_page(enrolment: Enrolment, filters: ActivityFilterForm, number) -> tuple:
    """One page of activities and attendance, newest first, in four queries at any size."""
    columns = ("entry_date", "entry_source", "entry_id")
    entries = (
        filters.apply(LearningActivity.objects.for_enrolment(enrolment))
        .annotate(
            entry_date=F("date"),
            entry_source=Value(ACTIVITY, output_field=CharField()),
            entry_id=F("pk"),
        )
        .values_list(*columns)
        .order_by()
    )
    if filters.includes_attendance():
        attendance = (
            filters.apply_to_attendance(Attendance.objects.filter(enrolment=enrolment))
            .annotate(
                entry_date=F("session__date"),
                entry_source=Value(ATTENDANCE, output_field=CharField()),
                entry_id=F("pk"),
            )
            .values_list(*columns)
            .order_by()
        )
        entries = entries.union(attendance, all=True)
    entries = entries.order_by("-entry_date", "entry_source", "-entry_id")
    page = Paginator(entries, PER_PAGE).get_page(number)
    rows = list(page.object_list)
    activity_ids = [pk for _date, source, pk in rows if source == ACTIVITY]
    attendance_ids = [pk for _date, source, pk in rows if source == ATTENDANCE]
    activities = (
        LearningActivity.objects.select_related("kind", "engagement").in_bulk(activity_ids)
        if activity_ids
        else {}
    )
    attended = (
        Attendance.objects.select_related("session__group", "session__method").in_bulk(
            attendance_ids
        )
        if attendance_ids
        else {}
    )
    log = []
    for _date, source, pk in rows:
        if source == ACTIVITY:
            activity = activities[pk]
            log.append(LogEntry(activity.date, activity.hours, activity=activity))
        else:
            attendance = attended[pk]
            log.append(LogEntry(attendance.session.date, attendance.hours, attendance=attendance))
    return page, log


def _render_log(
    request: HttpRequest,
    enrolment: Enrolment,
    *,
    quick_form: QuickActivityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _base_context(request, enrolment)
    partial = request.htmx and request.htmx.target == "activities"
    # One query each for the kinds and the engagements, shared by both forms and the rows.
    kinds = list(ActivityKind.objects.all())
    engagements = None if partial else list(ClientEngagement.objects.for_enrolment(enrolment))
    filters = ActivityFilterForm(
        request.GET or None, enrolment=enrolment, kinds=kinds, engagements=engagements
    )
    page, entries = _log_page(enrolment, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "filters": filters,
            "page": page,
            "entries": entries,
            "query": query.urlencode(),
            "intervision": _intervision_kind(kinds),
        }
    )
    if partial:
        return render(request, "competencies/log/log.html#activities", context)
    if context["can_edit"]:
        context["quick_form"] = quick_form or QuickActivityForm(
            enrolment=enrolment, auto_id="quick_%s", kinds=kinds, engagements=engagements
        )
    return render(request, "competencies/log/log.html", context, status=status)


@require_safe
@login_required
def log_list(request: HttpRequest, enrolment_uuid=None) -> HttpResponse:
    return _render_log(request, enrolment_for(request, enrolment_uuid))


def _row_response(
    request: HttpRequest, activity: LearningActivity, message: str, **extra
) -> HttpResponse:
    """An activity's table row, and out of band: a status message (and a fresh quick form)."""
    context = {
        "activity": activity,
        "can_edit": True,
        "status_message": message,
        **extra,
    }
    return render(request, "competencies/log/_row_response.html", context)


@require_POST
@login_required
def quick_add(request: HttpRequest) -> HttpResponse:
    enrolment = enrolment_for(request)
    form = QuickActivityForm(request.POST, enrolment=enrolment, auto_id="quick_%s")
    if form.is_valid():
        try:
            activity = save_activity(activity=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("Activity “%(title)s” is added.") % {"title": activity.title}
            if request.htmx:
                fresh = QuickActivityForm(enrolment=enrolment, auto_id="quick_%s")
                return _row_response(request, activity, message, quick_form=fresh)
            messages.success(request, message)
            return redirect("competencies:log")
    if request.htmx:
        response = render(
            request, "competencies/log/_quick_add.html", {"quick_form": form, "can_edit": True}
        )
        return retarget(reswap(response, "outerHTML"), "#quick-add")
    return _render_log(request, enrolment, quick_form=form, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    enrolment = enrolment_for(request)
    initial = {}
    if engagement_uuid := request.GET.get("engagement"):
        initial["engagement"] = (
            ClientEngagement.objects.for_enrolment(enrolment)
            .filter(uuid=_uuid_or_none(engagement_uuid))
            .first()
        )
    form = ActivityForm(request.POST or None, enrolment=enrolment, initial=initial)
    return _activity_form(request, form, enrolment)


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _activity_form(request: HttpRequest, form: ActivityForm, enrolment: Enrolment):
    if request.method == "POST" and form.is_valid():
        try:
            activity = save_activity(
                activity=form.save(commit=False),
                disciplines=form.cleaned_data["disciplines"],
                competencies=form.cleaned_data["competencies"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Activity “%(title)s” is saved.") % {"title": activity.title}
            )
            return redirect("competencies:log_activity", activity.uuid)
    context = {
        **_base_context(request, enrolment),
        "form": form,
        "activity": form.instance if form.instance.pk else None,
    }
    return render(
        request,
        "competencies/log/activity_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def activity_detail(request: HttpRequest, activity_uuid) -> HttpResponse:
    activity = get_activity_for(request.user, activity_uuid)
    enrolment = activity.enrolment
    context = _base_context(request, enrolment)
    context["activity"] = activity
    if request.htmx:
        # The row again, e.g. when inline editing is cancelled.
        return render(request, "competencies/log/_activity_row.html", context)
    context["disciplines"] = activity.disciplines.all()
    context["competencies"] = activity.competencies.select_related("profile")
    return render(request, "competencies/log/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request: HttpRequest, activity_uuid) -> HttpResponse:
    activity = get_activity_for(request.user, activity_uuid)
    enrolment = activity.enrolment
    _require_owner(request, enrolment)
    # Inline editing in the list swaps the row for the quick fields (the hidden "inline" field
    # keeps a post of that form from clearing the other fields should htmx be gone).
    inline = request.htmx or request.POST.get("inline") == "1"
    if not inline:
        form = ActivityForm(request.POST or None, instance=activity, enrolment=enrolment)
        return _activity_form(request, form, enrolment)
    form = QuickActivityForm(
        request.POST or None,
        instance=activity,
        enrolment=enrolment,
        auto_id=f"edit-{activity.uuid}_%s",
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = save_activity(activity=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("Activity “%(title)s” is saved.") % {"title": activity.title}
            if request.htmx:
                return _row_response(request, activity, message)
            messages.success(request, message)
            return redirect("competencies:log")
    if request.htmx:
        context = {"activity": activity, "form": form, "can_edit": True}
        return render(request, "competencies/log/_activity_edit_row.html", context)
    return _activity_form(request, form, enrolment)


@require_POST
@login_required
def activity_duplicate(request: HttpRequest, activity_uuid) -> HttpResponse:
    activity = get_activity_for(request.user, activity_uuid)
    _require_owner(request, activity.enrolment)
    copy = duplicate_activity(activity=activity, by=request.user)
    message = _("A copy of “%(title)s” dated today is added.") % {"title": copy.title}
    if request.htmx:
        return _row_response(request, copy, message)
    messages.success(request, message)
    return redirect("competencies:log")


@require_http_methods(["GET", "POST"])
@login_required
def activity_delete(request: HttpRequest, activity_uuid) -> HttpResponse:
    activity = get_activity_for(request.user, activity_uuid)
    _require_owner(request, activity.enrolment)
    if request.method == "POST":
        delete_activity(activity=activity, by=request.user)
        message = _("Activity “%(title)s” is deleted.") % {"title": activity.title}
        if request.htmx:
            return render(
                request, "competencies/log/_status.html", {"status_message": message, "oob": True}
            )
        messages.success(request, message)
        return redirect("competencies:log")
    context = {**_base_context(request, activity.enrolment), "activity": activity}
    return render(request, "competencies/log/activity_delete.html", context)


# --- the week view --------------------------------------------------------------------------


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(value: str | None, today: datetime.date) -> datetime.date:
    """The Monday of ISO week ``2026-W47``; this week for a missing or impossible value."""
    match = WEEK.match(value or "")
    if match:
        try:
            return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    return today - datetime.timedelta(days=today.weekday())


@require_safe
@login_required
def week_view(request: HttpRequest, enrolment_uuid=None) -> HttpResponse:
    enrolment = enrolment_for(request, enrolment_uuid)
    today = timezone.localdate()
    monday = week_monday(request.GET.get("week"), today)
    sunday = monday + datetime.timedelta(days=6)
    activities = (
        LearningActivity.objects.for_enrolment(enrolment)
        .between(monday, sunday)
        .select_related("kind", "engagement")
        .order_by("date", "created_at")
    )
    attendance = (
        Attendance.objects.filter(enrolment=enrolment, session__date__range=(monday, sunday))
        .select_related("session__group", "session__method")
        .order_by("session__date", "pk")
    )
    days = {monday + datetime.timedelta(days=offset): [] for offset in range(7)}  # date → entries
    for activity in activities:
        days[activity.date].append(LogEntry(activity.date, activity.hours, activity=activity))
    for attended in attendance:
        date = attended.session.date
        days[date].append(LogEntry(date, attended.hours, attendance=attended))
    week = [
        {
            "date": date,
            "entries": entries,
            "hours": sum((e.hours for e in entries), Decimal("0.00")),
            "is_today": date == today,
        }
        for date, entries in days.items()
    ]
    context = {
        **_base_context(request, enrolment),
        "week": week,
        "monday": monday,
        "sunday": sunday,
        "week_number": monday.isocalendar()[1],
        "week_year": monday.isocalendar()[0],
        "total": sum((day["hours"] for day in week), Decimal("0.00")),
        "previous_week": iso_week(monday - datetime.timedelta(days=7)),
        "next_week": iso_week(monday + datetime.timedelta(days=7)),
        "this_week": iso_week(today),
        "intervision": ActivityKind.objects.filter(code=ledgers.INTERVISION).first(),
    }
    return render(request, "competencies/log/week.html", context)


# --- client engagements ---------------------------------------------------------------------


@require_safe
@login_required
def engagement_list(request: HttpRequest, enrolment_uuid=None) -> HttpResponse:
    enrolment = enrolment_for(request, enrolment_uuid)
    engagements = (
        ClientEngagement.objects.for_enrolment(enrolment)
        .annotate(
            activity_count=Count("activities"),
            hours=Sum("activities__hours", output_field=TOTAL),
        )
        .order_by("client_code")
    )
    page = Paginator(engagements, PER_PAGE).get_page(request.GET.get("page"))
    context = {**_base_context(request, enrolment), "page": page}
    return render(request, "competencies/log/engagement_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def engagement_create(request: HttpRequest) -> HttpResponse:
    enrolment = enrolment_for(request)
    form = EngagementForm(request.POST or None, enrolment=enrolment)
    return _engagement_form(request, form, enrolment)


@require_http_methods(["GET", "POST"])
@login_required
def engagement_edit(request: HttpRequest, engagement_uuid) -> HttpResponse:
    engagement = get_engagement_for(request.user, engagement_uuid)
    _require_owner(request, engagement.enrolment)
    form = EngagementForm(
        request.POST or None, instance=engagement, enrolment=engagement.enrolment
    )
    return _engagement_form(request, form, engagement.enrolment)


def _engagement_form(request: HttpRequest, form: EngagementForm, enrolment: Enrolment):
    if request.method == "POST" and form.is_valid():
        try:
            engagement = save_engagement(engagement=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Client engagement %(code)s is saved.") % {"code": engagement.client_code},
            )
            return redirect("competencies:engagement_detail", engagement.uuid)
    context = {
        **_base_context(request, enrolment),
        "form": form,
        "engagement": form.instance if form.instance.pk else None,
    }
    return render(
        request,
        "competencies/log/engagement_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def engagement_detail(request: HttpRequest, engagement_uuid) -> HttpResponse:
    engagement = get_engagement_for(request.user, engagement_uuid)
    activities = engagement.activities.select_related("kind").order_by("-date", "-created_at")
    totals = activities.aggregate(
        total_hours=Sum("hours", output_field=TOTAL),
        client_hours=Sum("hours", output_field=TOTAL, filter=Q(kind__is_client_work=True)),
    )
    page = Paginator(activities, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **_base_context(request, engagement.enrolment),
        "engagement": engagement,
        "page": page,
        "hours": totals["total_hours"] or Decimal("0.00"),
        "client_hours": totals["client_hours"] or Decimal("0.00"),
    }
    return render(request, "competencies/log/engagement_detail.html", context)


# --- the hours ledger -----------------------------------------------------------------------


@require_safe
@login_required
def hours_ledger(request: HttpRequest, enrolment_uuid=None) -> HttpResponse:
    enrolment = enrolment_for(request, enrolment_uuid)
    today = timezone.localdate()
    windows = ledgers.hours_ledgers(enrolment, today=today)
    unspecified = _("Not recorded")
    sections = [
        (_("Client hours by kind"), ledgers.by_kind_rows(windows, "client_by_kind")),
        (
            _("Client hours by system level"),
            ledgers.choice_rows(windows, "by_system_level", SystemLevel.choices, unspecified),
        ),
        (
            _("Client hours by role"),
            ledgers.choice_rows(windows, "by_role", EnactedRole.choices, unspecified),
        ),
        (
            _("Paid and pro bono"),
            [
                (_("Paid"), [lg.paid for lg in windows]),
                (_("Pro bono"), [lg.pro_bono for lg in windows]),
            ],
        ),
        (
            _("Individual and group"),
            [
                (_("Individual clients"), [lg.individual for lg in windows]),
                (_("Groups"), [lg.group for lg in windows]),
            ],
        ),
    ]
    if is_owner(request.user, enrolment):
        export = {fmt: reverse("competencies:hours_export", args=[fmt]) for fmt in ("csv", "xlsx")}
    else:
        export = {
            fmt: reverse("competencies:hours_export_student", args=[enrolment.uuid, fmt])
            for fmt in ("csv", "xlsx")
        }
    context = {
        **_base_context(request, enrolment),
        "windows": windows,
        "sections": sections,
        "all_by_kind": ledgers.by_kind_rows(windows, "all_by_kind"),
        "exports": [
            (lg, f"{export['csv']}?window={lg.window}", f"{export['xlsx']}?window={lg.window}")
            for lg in windows
        ],
        "today": today,
    }
    return render(request, "competencies/log/hours.html", context)


@require_safe
@login_required
def hours_export(request: HttpRequest, file_format: str, enrolment_uuid=None) -> HttpResponse:
    enrolment = enrolment_for(request, enrolment_uuid)
    window = request.GET.get("window", ledgers.ALL_TIME)
    if file_format not in ("csv", "xlsx") or window not in ledgers.WINDOWS:
        raise Http404
    rows = ledgers.client_log(enrolment, window=window, today=timezone.localdate())
    headers, table = ledgers.client_log_table(rows)
    filename = f"client-coaching-log-{enrolment.student_number}-{window}"
    if file_format == "csv":
        response = HttpResponse(to_csv(headers, table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(headers, table, title=_("Client coaching log")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = content_disposition(f"{filename}.{file_format}")
    return response


urlpatterns = [
    path("log/", log_list, name="log"),
    path("students/<uuid:enrolment_uuid>/log/", log_list, name="log_student"),
    path("log/quick-add/", quick_add, name="log_quick_add"),
    path("log/new/", activity_create, name="log_create"),
    path("log/activities/<uuid:activity_uuid>/", activity_detail, name="log_activity"),
    path("log/activities/<uuid:activity_uuid>/edit/", activity_edit, name="log_activity_edit"),
    path(
        "log/activities/<uuid:activity_uuid>/duplicate/",
        activity_duplicate,
        name="log_activity_duplicate",
    ),
    path(
        "log/activities/<uuid:activity_uuid>/delete/",
        activity_delete,
        name="log_activity_delete",
    ),
    path("log/week/", week_view, name="log_week"),
    path("students/<uuid:enrolment_uuid>/log/week/", week_view, name="log_week_student"),
    path("log/engagements/", engagement_list, name="engagement_list"),
    path(
        "students/<uuid:enrolment_uuid>/log/engagements/",
        engagement_list,
        name="engagement_list_student",
    ),
    path("log/engagements/new/", engagement_create, name="engagement_create"),
    path(
        "log/engagements/<uuid:engagement_uuid>/",
        engagement_detail,
        name="engagement_detail",
    ),
    path(
        "log/engagements/<uuid:engagement_uuid>/edit/",
        engagement_edit,
        name="engagement_edit",
    ),
    path("log/hours/", hours_ledger, name="hours_ledger"),
    path("students/<uuid:enrolment_uuid>/log/hours/", hours_ledger, name="hours_ledger_student"),
    path("log/hours/export.<str:file_format>", hours_export, name="hours_export"),
    path(
        "students/<uuid:enrolment_uuid>/log/hours/export.<str:file_format>",
        hours_export,
        name="hours_export_student",
    ),
]
