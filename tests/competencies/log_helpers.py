"""Builders for the learning-log tests: activities, engagements and intervision attendance."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from html.parser import HTMLParser

from cohorts.models import Attendance, Group, IntervisionMethod, IntervisionSession
from competencies.defaults import ensure_activity_kinds
from competencies.models import ActivityKind, ClientEngagement, LearningActivity

_codes = itertools.count(1)


def kinds() -> dict[str, ActivityKind]:
    ensure_activity_kinds()
    return {kind.code: kind for kind in ActivityKind.objects.all()}


def engagement(enrolment, **fields) -> ClientEngagement:
    values = {
        "client_code": f"C-{next(_codes):03d}",
        "client_type": ClientEngagement.ClientType.INDIVIDUAL,
        "consent": True,
        "consent_on": datetime.date(2025, 1, 1),
        **fields,
    }
    return ClientEngagement.objects.create(enrolment=enrolment, **values)


def activity(enrolment, kind: str = "coaching-session", **fields) -> LearningActivity:
    values = {
        "date": datetime.date(2025, 10, 1),
        "hours": Decimal("1.50"),
        "title": "Coaching session",
        **fields,
    }
    return LearningActivity.objects.create(enrolment=enrolment, kind=kinds()[kind], **values)


def many_activities(enrolment, count: int, *, engagement=None, start=datetime.date(2024, 1, 1)):
    kind = kinds()["coaching-session"]
    LearningActivity.objects.bulk_create(
        LearningActivity(
            enrolment=enrolment,
            kind=kind,
            date=start + datetime.timedelta(days=number % 600),
            hours=Decimal("1.00"),
            title=f"Activity {number}",
            engagement=engagement,
            system_level="individual",
            role="coach",
        )
        for number in range(count)
    )


def attendance(enrolment, date=datetime.date(2025, 10, 2), hours=Decimal("2.00"), name="Groep A"):
    group, _created = Group.objects.get_or_create(
        cohort=enrolment.cohort, name=name, defaults={"kind": Group.Kind.INTERVISION}
    )
    group.members.add(enrolment)
    method, _created = IntervisionMethod.objects.get_or_create(
        code="incident", defaults={"name_nl": "Incidentmethode", "name_en": "Incident method"}
    )
    session = IntervisionSession.objects.create(group=group, date=date, hours=hours, method=method)
    return Attendance.objects.create(session=session, enrolment=enrolment, hours=hours)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_inside(html: str, element_id: str) -> list[tuple[str, dict]]:
    """The tags and attributes inside ``<div id="element_id">`` (user Markdown never yields a
    div, so the first ``</div>`` closes it)."""
    start = html.index(f'<div id="{element_id}">') + len(f'<div id="{element_id}">')
    collector = _Collector()
    collector.feed(html[start : html.index("</div>", start)])
    return collector.elements


HOSTILE_MARKDOWN = """**Bold** and a [fine link](https://example.org).

<script>alert("x")</script>
<img src=x onerror="alert(1)">
<a href="#" onclick="steal()">click</a>
<div hx-get="/log/" hx-trigger="load">swap</div>
[evil](javascript:alert(1)) and [also evil](JAVASCRIPT:alert(2))
<button hx-post="/log/quick-add/">go</button>
"""


def assert_safe(elements: list[tuple[str, dict]]) -> None:
    tags = {tag for tag, _attrs in elements}
    assert "strong" in tags  # the Markdown itself is rendered
    assert not tags & {"script", "img", "div", "button", "iframe", "style"}
    for tag, attrs in elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not name.startswith("hx-"), (tag, name)
            assert not name.startswith("data-hx"), (tag, name)
            if name == "href":
                assert value.startswith(("https:", "http:", "mailto:")), value
