"""Optimistic locking: two people editing the same record at once must not silently overwrite
each other's work.

A locked model has a ``version`` counter (``version_field()``). Its form carries the version it
was opened with as a hidden field (``VersionedFormMixin``); the service saves with
``save_if_unchanged``: one conditional UPDATE (``… WHERE version = <opened with>``, which also
adds one). When someone else saved in between, nothing is written and ``EditConflict`` is
raised; the view shows the form again with what the person typed (``form.show_conflict``),
each field somebody else changed marked with what is stored now, and the current version in
the hidden field, so saving again is a deliberate choice.

The curriculum is the leftmost app that needs this; apps to its right import it from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.template.defaultfilters import truncatechars
from django.utils.formats import localize
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CONFLICT = "stale"


def version_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        _("edit version"),
        default=1,
        editable=False,
        help_text=_("Counts the saves, so that an edit of an older state is refused."),
    )


def conflict_message(thing: str) -> str:
    return gettext(
        "This %(thing)s was changed by someone else while you were editing; your changes were "
        "not saved. What you typed is still in the form: compare it with what is stored now "
        "(shown with each field that changed) and save again if you still want your version."
    ) % {"thing": thing}


class EditConflict(ValidationError):
    """Someone else saved the record since the form was opened; nothing was written."""

    def __init__(self, message: str):
        super().__init__(message, code=CONFLICT)


def save_if_unchanged(
    obj: models.Model,
    *,
    version: int,
    fields: Iterable[str] | None = None,
    counter: str = "version",
    message: str | None = None,
) -> None:
    """Writes ``fields`` of ``obj`` (an existing row; all its fields when not given, as
    ``save()`` does) and adds one to its ``counter``, but only when the stored counter is still
    ``version``; else raises ``EditConflict`` (with ``message``, or the generic one) and writes
    nothing.

    One conditional UPDATE: on PostgreSQL a concurrent save waits for the first one's row
    lock and then finds the counter moved on, so exactly one of two simultaneous saves wins.
    ``auto_now`` fields are refreshed as ``save()`` would.
    """
    model = type(obj)
    names = None if fields is None else set(fields)
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == counter:
            continue
        if getattr(field, "auto_now", False):
            values[field.attname] = field.pre_save(obj, add=False)
        elif names is None or field.name in names or field.attname in names:
            values[field.attname] = getattr(obj, field.attname)
    updated = model._base_manager.filter(pk=obj.pk, **{counter: version}).update(
        **values, **{counter: F(counter) + 1}
    )
    if not updated:
        raise EditConflict(message or conflict_message(model._meta.verbose_name))
    setattr(obj, counter, version + 1)


def save_edit(obj: models.Model, *, version: int | None) -> None:
    """Saves ``obj``: an edit made in a form opened at ``version`` with ``save_if_unchanged``;
    a new record, or a write that comes from no form (``version`` None), with ``save()``."""
    if obj.pk is not None and version is not None:
        save_if_unchanged(obj, version=version)
    else:
        obj.save()


class VersionedFormMixin:
    """A hidden ``version`` field: the version of the record the form was opened with.

    A model form takes it from its instance (a new record has none); other forms get
    ``initial={"version": …}``. Every page renders it; a request without it (a script, an
    old page) is saved without the check, as before the check existed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=0, required=False
        )
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and "version" not in self.initial:
            self.initial["version"] = instance.version

    @property
    def opened_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def show_conflict(self, error: EditConflict, current: models.Model) -> None:
        """Keeps what the person typed, marks every field whose stored value now differs from
        it, and moves the hidden version on to the stored one."""
        self.add_error(None, error)
        for name in self.fields:
            if name == "version" or name not in self.cleaned_data:
                continue
            stored = _stored_value(current, name)
            if stored is _MISSING or _same(stored, self.cleaned_data[name]):
                continue
            self.add_error(
                name,
                gettext("Someone else saved: “%(value)s”.")
                % {"value": truncatechars(_display(current, name, stored), 300)},
            )
        data = self.data.copy()
        data[self.add_prefix("version")] = current.version
        self.data = data


_MISSING = object()


def _stored_value(obj: models.Model, name: str):
    try:
        field = obj._meta.get_field(name)
    except Exception:  # a form field with no model field of that name
        return _MISSING
    if field.many_to_many:
        return set(getattr(obj, name).all()) if obj.pk else set()
    if not field.concrete:
        return _MISSING
    return getattr(obj, name)


def _same(stored, typed) -> bool:
    if isinstance(stored, set):
        return stored == set(typed or [])
    if isinstance(stored, str) or isinstance(typed, str):
        return (stored or "").strip() == (typed or "").strip()
    return stored == typed


def _display(obj: models.Model, name: str, value) -> str:
    if isinstance(value, set):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    if value in (None, ""):
        return "—"
    model_field = obj._meta.get_field(name)
    if model_field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    return str(localize(value))
