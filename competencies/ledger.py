"""The coaching-hours ledger: the totals coaching associations (ICF, EMCC) ask for.

``hours_ledger(enrolment, window=…, today=…)`` sums a student's hours in one window (all time,
the last 12 or the last 18 months, each ending today); ``hours_ledgers`` does several windows in
the same three queries. Client hours are the hours of activities
whose kind counts as client work and whose engagement has the client's consent; activities
without consent, without an engagement or of other kinds never count as client hours. Next to
that, every logged hour by kind, including intervision attendance recorded by the groups.

``client_log(enrolment, window=…, today=…)`` gives the rows of a client coaching log (one per
consenting engagement) for an accreditation application; ``client_log_table`` turns them into
headers and text rows for ``cohorts.exports.to_csv``/``to_xlsx``.

Every function runs a fixed number of queries, whatever the number of activities.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    Max,
    Min,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cohorts.models import Attendance, Enrolment

from .models.log import (
    CLIENT_HOURS,
    ActivityKind,
    ClientEngagement,
    EnactedRole,
    LearningActivity,
    SystemLevel,
)

ALL_TIME, LAST_12_MONTHS, LAST_18_MONTHS = "all", "12m", "18m"
WINDOWS = {
    ALL_TIME: (_("All time"), None),
    LAST_12_MONTHS: (_("Last 12 months"), 12),
    LAST_18_MONTHS: (_("Last 18 months"), 18),
}
INTERVISION = "intervision"
ZERO = Decimal("0.00")
# Sums can outgrow the five digits of a single activity's hours.
TOTAL = DecimalField(max_digits=12, decimal_places=2)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def window_bounds(
    window: str, today: datetime.date | None = None
) -> tuple[datetime.date | None, datetime.date]:
    """The first and last day a window includes. "Last 12 months" on 15 March 2026 runs from
    16 March 2025 up to and including 15 March 2026; "all time" has no first day. Windows end
    today: hours logged for days still to come are not counted yet."""
    if window not in WINDOWS:
        raise ValueError(f"Unknown window {window!r}; use one of {sorted(WINDOWS)}")
    today = today or timezone.localdate()
    months = WINDOWS[window][1]
    if months is None:
        return None, today
    return months_before(today, months) + datetime.timedelta(days=1), today


@dataclass
class Ledger:
    """Hours of one enrolment in one window. Hours are Decimals with two decimals."""

    window: str
    start: datetime.date | None
    end: datetime.date
    kinds: dict[str, ActivityKind]
    # Client hours: client-work kinds with a consenting engagement.
    client_hours: Decimal = ZERO
    client_by_kind: dict[str, Decimal] = field(default_factory=dict)
    by_system_level: dict[str, Decimal] = field(default_factory=dict)
    by_role: dict[str, Decimal] = field(default_factory=dict)
    paid: Decimal = ZERO
    pro_bono: Decimal = ZERO
    individual: Decimal = ZERO
    group: Decimal = ZERO
    clients: int = 0
    paid_clients: int = 0
    # Everything logged, by kind code, including intervision attendance.
    all_by_kind: dict[str, Decimal] = field(default_factory=dict)
    all_hours: Decimal = ZERO
    attendance_hours: Decimal = ZERO

    @property
    def label(self) -> str:
        return str(WINDOWS[self.window][0])


def _in_window(field: str, start, end) -> Q:
    """``field`` (a date) within a window's first and last day (no first day: all time)."""
    condition = Q(**{f"{field}__lte": end})
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    return condition


def hours_ledger(
    enrolment: Enrolment, *, window: str = ALL_TIME, today: datetime.date | None = None
) -> Ledger:
    """The ledger of ``enrolment`` for ``window`` (``"all"``, ``"12m"`` or ``"18m"``)."""
    return hours_ledgers(enrolment, windows=[window], today=today)[0]


def hours_ledgers(
    enrolment: Enrolment,
    *,
    windows: list[str] | None = None,
    today: datetime.date | None = None,
) -> list[Ledger]:
    """The ledger for each of ``windows`` (default: every window, in the order of ``WINDOWS``).

    Three queries for any number of windows and activities: the kinds; the activities grouped
    by kind, level, role and engagement (with the engagement's paid and individual/group, and
    whether they are client hours) with one sum per window; intervision attendance with one sum
    per window.
    """
    today = today or timezone.localdate()
    windows = list(WINDOWS) if windows is None else windows
    bounds = [window_bounds(window, today) for window in windows]
    kinds = {kind.code: kind for kind in ActivityKind.objects.all()}
    result = []
    for window, (start, end) in zip(windows, bounds, strict=True):
        ledger = Ledger(window=window, start=start, end=end, kinds=kinds)
        ledger.client_by_kind = {code: ZERO for code, kind in kinds.items() if kind.is_client_work}
        ledger.by_system_level = dict.fromkeys([*SystemLevel.values, ""], ZERO)
        ledger.by_role = dict.fromkeys([*EnactedRole.values, ""], ZERO)
        ledger.all_by_kind = dict.fromkeys(kinds, ZERO)
        result.append(ledger)
    earliest = None if any(start is None for start, _end in bounds) else min(bounds)[0]
    sums = {
        f"w{index}": Sum("hours", filter=_in_window("date", start, end), output_field=TOTAL)
        for index, (start, end) in enumerate(bounds)
    }
    # Client hours (what ``client_hours()`` filters on) as a column, so one grouping gives both
    # the client hours and every logged hour.
    is_client = ExpressionWrapper(CLIENT_HOURS, output_field=BooleanField())
    grouped = (
        LearningActivity.objects.for_enrolment(enrolment)
        .between(earliest, today)
        .annotate(is_client=is_client)
        .values(
            "kind__code",
            "system_level",
            "role",
            "engagement_id",
            "engagement__paid",
            "engagement__client_type",
            "is_client",
        )
        .order_by()
        .annotate(**sums)
    )
    clients = [set() for _window in windows]
    paid_clients = [set() for _window in windows]
    for row in grouped:
        for index, ledger in enumerate(result):
            hours = row[f"w{index}"]
            if not hours:
                continue
            ledger.all_by_kind[row["kind__code"]] += hours
            if not row["is_client"]:
                continue
            ledger.client_hours += hours
            ledger.client_by_kind[row["kind__code"]] = (
                ledger.client_by_kind.get(row["kind__code"], ZERO) + hours
            )
            ledger.by_system_level[row["system_level"]] += hours
            ledger.by_role[row["role"]] += hours
            if row["engagement__paid"]:
                ledger.paid += hours
                paid_clients[index].add(row["engagement_id"])
            else:
                ledger.pro_bono += hours
            if row["engagement__client_type"] == ClientEngagement.ClientType.GROUP:
                ledger.group += hours
            else:
                ledger.individual += hours
            clients[index].add(row["engagement_id"])
    attended = Attendance.objects.filter(enrolment=enrolment).aggregate(
        **{
            f"w{index}": Sum(
                "hours", filter=_in_window("session__date", start, end), output_field=TOTAL
            )
            for index, (start, end) in enumerate(bounds)
        }
    )
    for index, ledger in enumerate(result):
        ledger.clients, ledger.paid_clients = len(clients[index]), len(paid_clients[index])
        ledger.attendance_hours = attended[f"w{index}"] or ZERO
        if ledger.attendance_hours:
            ledger.all_by_kind[INTERVISION] = (
                ledger.all_by_kind.get(INTERVISION, ZERO) + ledger.attendance_hours
            )
        ledger.all_hours = sum(ledger.all_by_kind.values(), ZERO)
    return result


@dataclass(frozen=True)
class ClientLogRow:
    engagement: ClientEngagement
    first: datetime.date
    last: datetime.date
    sessions: int
    paid_hours: Decimal
    pro_bono_hours: Decimal

    @property
    def hours(self) -> Decimal:
        return self.paid_hours + self.pro_bono_hours


def client_log(
    enrolment: Enrolment, *, window: str = ALL_TIME, today: datetime.date | None = None
) -> list[ClientLogRow]:
    """One row per consenting engagement with client hours in the window, by first date.

    A paid engagement's hours are paid hours, any other engagement's are pro bono.
    """
    start, end = window_bounds(window, today)
    totals = (
        LearningActivity.objects.for_enrolment(enrolment)
        .between(start, end)
        .client_hours()
        .values("engagement_id")
        .order_by()
        .annotate(
            first=Min("date"),
            last=Max("date"),
            sessions=Count("pk"),
            total=Sum("hours", output_field=TOTAL),
        )
    )
    totals = {row["engagement_id"]: row for row in totals}
    engagements = ClientEngagement.objects.filter(pk__in=list(totals))
    rows = []
    for engagement in engagements:
        row = totals[engagement.pk]
        rows.append(
            ClientLogRow(
                engagement=engagement,
                first=row["first"],
                last=row["last"],
                sessions=row["sessions"],
                paid_hours=row["total"] if engagement.paid else ZERO,
                pro_bono_hours=ZERO if engagement.paid else row["total"],
            )
        )
    rows.sort(key=lambda row: (row.first, row.engagement.client_code))
    return rows


CLIENT_LOG_COLUMNS = (
    _("client pseudonym"),
    _("individual or group"),
    _("group size"),
    _("start date"),
    _("end date"),
    _("paid hours"),
    _("pro bono hours"),
)


def _hours(value: Decimal) -> str:
    return number_format(value, decimal_pos=2)


def client_log_table(rows: list[ClientLogRow]) -> tuple[list[str], list[list[str]]]:
    """Headers in the active language and text rows, with a totals row at the end."""
    headers = [str(capfirst(column)) for column in CLIENT_LOG_COLUMNS]
    table = [
        [
            row.engagement.client_code,
            str(row.engagement.get_client_type_display()),
            str(row.engagement.group_size or 1),
            row.first.isoformat(),
            row.last.isoformat(),
            _hours(row.paid_hours),
            _hours(row.pro_bono_hours),
        ]
        for row in rows
    ]
    paid = sum((row.paid_hours for row in rows), ZERO)
    pro_bono = sum((row.pro_bono_hours for row in rows), ZERO)
    first = min((row.first for row in rows), default=None)
    last = max((row.last for row in rows), default=None)
    table.append(
        [
            str(_("Total")),
            ngettext("%(count)s client", "%(count)s clients", len(rows)) % {"count": len(rows)},
            "",
            first.isoformat() if first else "",
            last.isoformat() if last else "",
            _hours(paid),
            _hours(pro_bono),
        ]
    )
    return headers, table


def by_kind_rows(ledgers: list[Ledger], attribute: str) -> list[tuple[str, list[Decimal]]]:
    """Rows for a side-by-side table: (kind name, hours in each ledger), kinds in order."""
    kinds = ledgers[0].kinds if ledgers else {}
    codes = [code for code in kinds if any(code in getattr(lg, attribute) for lg in ledgers)]
    extra = sorted(
        {code for lg in ledgers for code in getattr(lg, attribute)} - set(codes)
    )  # e.g. intervision attendance when no intervision kind exists
    rows = []
    for code in [*codes, *extra]:
        name = kinds[code].name if code in kinds else code
        rows.append((name, [getattr(lg, attribute).get(code, ZERO) for lg in ledgers]))
    return rows


def choice_rows(
    ledgers: list[Ledger], attribute: str, choices, unspecified
) -> list[tuple[str, list[Decimal]]]:
    """Rows for system levels or roles, with "not recorded" last when it has hours."""
    rows = [
        (str(label), [getattr(lg, attribute)[value] for lg in ledgers]) for value, label in choices
    ]
    blank = [getattr(lg, attribute)[""] for lg in ledgers]
    if any(blank):
        rows.append((str(unspecified), blank))
    return rows
