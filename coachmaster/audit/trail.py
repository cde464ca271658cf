"""Reading the audit trail: the filtered events across every audited kind, newest first, and
each event put into words (who did what to which record, and the changed fields, old → new).

The events come from ``pghistory``'s aggregate query (one PostgreSQL query over all event
tables, with each event's difference from the previous event of the same record). Other
databases have no trail: ``is_recorded()`` is false there and nothing is queried.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pghistory.models import MiddlewareEvents

from coachmaster.accounts.models import User
from cohorts.models import Cohort
from competencies.models import Competency, ProficiencyLevel

from .models import KINDS

ACTIONS = {
    "insert": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
}
# Related records shown by name in the changed fields (their names cost no further queries);
# other references are shown by their id.
NAMED = (User, ProficiencyLevel, Competency, Cohort)
EMPTY = "—"


def is_recorded() -> bool:
    """Whether this database keeps the trail (the triggers exist on PostgreSQL only)."""
    return connection.vendor == "postgresql"


def kind_choices() -> list[tuple[str, str]]:
    return [
        (key, str(model._meta.verbose_name_plural).capitalize())
        for key, (model, _path) in KINDS.items()
    ]


def _kind_of_label(label: str) -> str | None:
    """The kind key of a watched model's label (``"competencies.Assessment"``)."""
    for key, (model, _path) in KINDS.items():
        if model.pgh_tracked_model._meta.label == label:
            return key
    return None


def _name_matches(prefix: str, words: list[str]) -> Q:
    """Every word in the person's name or e-mail address (``prefix``: the path to the user)."""
    query = Q()
    for word in words:
        query &= (
            Q(**{f"{prefix}given_name__icontains": word})
            | Q(**{f"{prefix}name_prefix__icontains": word})
            | Q(**{f"{prefix}family_name__icontains": word})
            | Q(**{f"{prefix}email__icontains": word})
        )
    return query


def _record_query(key: str, text: str) -> Q:
    """Events of kind ``key`` whose record is ``text``: a public id, or about the student with
    that name, e-mail address or student number."""
    model, path = KINDS[key]
    tracked = model.pgh_tracked_model
    records = tracked._base_manager.all()
    try:
        public_id = uuid.UUID(text)
    except ValueError:
        public_id = None
    if public_id is not None:
        if not any(f.name == "uuid" for f in tracked._meta.concrete_fields):
            return Q(pk__in=[])
        records = records.filter(uuid=public_id)
    else:
        person = f"{path}__" if path else ""
        matches = _name_matches(person, text.split())
        if path and path.endswith("student"):
            matches |= Q(**{f"{path}_number__iexact": text})
        records = records.filter(matches)
    pks = records.annotate(pk_text=Cast("pk", TextField())).values("pk_text")
    return Q(pgh_obj_model=tracked._meta.label, pgh_obj_id__in=pks)


def events(
    *,
    kinds: list[str] | None = None,
    actor: str = "",
    record: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
):
    """The trail, newest first, filtered: ``kinds`` (keys of ``KINDS``; all when empty), the
    ``actor`` (words of their name or e-mail address), the ``record`` (a record id, a public
    id, or a student's name, e-mail address or student number), and a date range."""
    keys = kinds or list(KINDS)
    queryset = MiddlewareEvents.objects.across(*(KINDS[key][0] for key in keys)).select_related(
        "user"
    )
    if since:
        queryset = queryset.filter(pgh_created_at__date__gte=since)
    if until:
        queryset = queryset.filter(pgh_created_at__date__lte=until)
    if actor.strip():
        queryset = queryset.filter(user__in=User.objects.filter(_name_matches("", actor.split())))
    text = record.strip()
    if text:
        query = Q(pgh_obj_id=text) if text.isdigit() else Q()
        for key in keys:
            query |= _record_query(key, text)
        queryset = queryset.filter(query)
    # Events of one transaction share its time: the newest row of each table first.
    return queryset.order_by("-pgh_created_at", "-pgh_id", "pgh_model")


# --- putting events into words --------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Row:
    at: datetime.datetime
    actor: User | None
    via: str
    operation: str  # insert, update or delete
    action: str
    kind: str
    record: str
    changes: list[Change] = field(default_factory=list)


def _fields(tracked: type[models.Model]) -> dict[str, models.Field]:
    return {f.column: f for f in tracked._meta.concrete_fields}


def _show(value, model_field: models.Field | None, names: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.is_relation:
        named = names.get((model_field.related_model, value))
        return named or f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        return localize(timezone.localtime(moment)) if moment else str(value)
    if isinstance(model_field, models.DateField):
        day = parse_date(str(value))
        return localize(day) if day else str(value)
    if isinstance(model_field, models.DecimalField):
        return localize(Decimal(str(value)))
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _changes(event, fields: dict[str, models.Field], names: dict) -> list[Change]:
    order = list(fields)
    if event.pgh_label == "update" and event.pgh_diff:
        pairs = {column: tuple(values) for column, values in event.pgh_diff.items()}
    elif event.pgh_label == "delete":
        pairs = {column: (value, None) for column, value in (event.pgh_data or {}).items()}
    else:
        pairs = {column: (None, value) for column, value in (event.pgh_data or {}).items()}
    changes = []
    for column in sorted(pairs, key=lambda c: order.index(c) if c in order else len(order)):
        old, new = pairs[column]
        model_field = fields.get(column)
        if model_field is None:
            continue
        if event.pgh_label != "update" and old in (None, "") and new in (None, ""):
            continue
        label = str(model_field.verbose_name)
        changes.append(
            Change(
                label[:1].upper() + label[1:], *(_show(v, model_field, names) for v in (old, new))
            )
        )
    return changes


def _follow(obj: models.Model, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _tracked(label: str) -> tuple[str, type[models.Model]] | None:
    key = _kind_of_label(label)
    return None if key is None else (key, KINDS[key][0].pgh_tracked_model)


def _subjects(events: list) -> dict[tuple[str, str], str]:
    """(model label, id) → the name of the person the record is about, one query per kind."""
    ids: dict[str, set[str]] = {}
    for event in events:
        ids.setdefault(event.pgh_obj_model, set()).add(event.pgh_obj_id)
    subjects = {}
    for label, pks in ids.items():
        found = _tracked(label)
        if found is None:
            continue
        key, tracked = found
        path = KINDS[key][1]
        records = tracked._base_manager.filter(pk__in=pks)
        if path:
            records = records.select_related(path)
        for obj in records:
            person = obj if path is None else _follow(obj, path)
            subjects[(label, str(obj.pk))] = person.get_full_name() if person else ""
    return subjects


def _names(events: list) -> dict:
    """(model, pk) → name of every ``NAMED`` record the events refer to, one query per model."""
    wanted: dict[type[models.Model], set] = {}
    for event in events:
        found = _tracked(event.pgh_obj_model)
        if found is None:
            continue
        fields = _fields(found[1])
        pairs = [*(event.pgh_data or {}).items()]
        pairs += [(column, values[0]) for column, values in (event.pgh_diff or {}).items()]
        for column, value in pairs:
            model_field = fields.get(column)
            if (
                model_field is not None
                and model_field.is_relation
                and model_field.related_model in NAMED
                and value is not None
            ):
                wanted.setdefault(model_field.related_model, set()).add(value)
    names = {}
    for related, pks in wanted.items():
        for obj in related._base_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
    return names


def describe(events) -> list[Row]:
    """The events of one page in words; a fixed number of queries whatever the page's size."""
    events = list(events)
    subjects = _subjects(events)
    names = _names(events)
    rows = []
    for event in events:
        found = _tracked(event.pgh_obj_model)
        if found is None:
            continue
        key, tracked = found
        kind = str(KINDS[key][0]._meta.verbose_name)
        record = f"{kind[:1].upper()}{kind[1:]} #{event.pgh_obj_id}"
        subject = subjects.get((event.pgh_obj_model, event.pgh_obj_id))
        if subject:
            record = f"{record} · {subject}"
        context = event.pgh_context or {}
        via = event.url or ", ".join(
            f"{name}: {value}" for name, value in sorted(context.items()) if name != "user"
        )
        rows.append(
            Row(
                at=event.pgh_created_at,
                actor=event.user,
                via=via,
                operation=event.pgh_label,
                action=str(ACTIONS.get(event.pgh_label, event.pgh_label)),
                kind=key,
                record=record,
                changes=_changes(event, _fields(tracked), names),
            )
        )
    return rows
