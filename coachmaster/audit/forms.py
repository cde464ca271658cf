"""The audit page's filters (a GET form: every filtered view has its own address)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .trail import kind_choices


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    actor = forms.CharField(
        label=_("Who acted"),
        required=False,
        max_length=200,
        help_text=_("Part of a name or an e-mail address."),
    )
    record = forms.CharField(
        label=pgettext_lazy("audit trail", "Record"),
        required=False,
        max_length=200,
        help_text=_("A record number, a public id, or a student's name or student number."),
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return data

    def filters(self) -> dict:
        """Keyword arguments for ``trail.events`` (none when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "kinds": [data["kind"]] if data["kind"] else [],
            "actor": data["actor"],
            "record": data["record"],
            "since": data["since"],
            "until": data["until"],
        }
