"""Forms of the supervision meeting pages: the meeting itself and its agreed actions. Owners
are limited to the student and the supervisor; ``thesis.services`` checks them again."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curriculum.locking import VersionedFormMixin

from ..services import ActionInput

ACTION_ROWS = 3


class MeetingForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you discussed. Markdown is allowed."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class MeetingEditForm(VersionedFormMixin, MeetingForm):
    """A logged meeting changed by the student or the supervisor: either may edit the notes,
    so the form carries the version it was opened with (``curriculum.locking``)."""


class ActionForm(forms.Form):
    """One agreed action. With ``optional`` (a row of the new-meeting page) an empty row is
    ignored; a row with a description needs an owner."""

    description = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, owners, optional: bool = False, **kwargs):
        """``owners``: the student and the supervisor (users, already loaded)."""
        super().__init__(*args, **kwargs)
        self.optional = optional
        self.owners = {str(user.uuid): user for user in owners}
        self.fields["owner"].choices = [("", _("Choose who does it"))] + [
            (key, user.get_full_name()) for key, user in self.owners.items()
        ]

    @property
    def is_empty(self) -> bool:
        return self.is_bound and not (self.data.get(self.add_prefix("description")) or "").strip()

    def clean(self):
        cleaned = super().clean()
        description = (cleaned.get("description") or "").strip()
        if not description:
            if not self.optional:
                self.add_error("description", _("Describe the action."))
            return cleaned
        if not cleaned.get("owner"):
            self.add_error("owner", _("Choose who does it."))
        return cleaned

    def action(self) -> ActionInput | None:
        description = (self.cleaned_data.get("description") or "").strip()
        if not description:
            return None
        return ActionInput(
            description=description,
            owner=self.owners[self.cleaned_data["owner"]],
            due_on=self.cleaned_data.get("due_on"),
        )


def action_forms(data, *, owners) -> list[ActionForm]:
    return [
        ActionForm(data, owners=owners, optional=True, prefix=f"action-{number}")
        for number in range(1, ACTION_ROWS + 1)
    ]
