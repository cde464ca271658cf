"""Forms of the portfolio pages. Choices are given as lists (the page has already loaded the
scale and the evidence), so rendering twenty entry forms costs no queries."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coachmaster import widgets as fast

from ..models import Evidence, Portfolio, ProficiencyLevel


class EntryForm(fast.FastLabels, forms.Form):
    """One competency of a portfolio: selected evidence and the self-assessment."""

    evidence = forms.MultipleChoiceField(
        label=_("Evidence for this competency"),
        required=False,
        widget=fast.CheckboxSelectMultiple,
    )
    self_level = forms.ChoiceField(
        label=_("The level you have reached"), required=False, widget=fast.FastSelect
    )
    argument = forms.CharField(
        label=_("Why your evidence shows that level"),
        required=False,
        max_length=20000,
        widget=fast.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )

    def __init__(
        self,
        *args,
        levels: list[ProficiencyLevel],
        evidence: list[Evidence],
        evidence_labels: dict | None = None,
        level_choices: list | None = None,
        **kwargs,
    ):
        """``level_choices``: ``level_choices(levels)``, when a page has worked it out once
        for all its forms."""
        super().__init__(*args, **kwargs)
        self._levels = {str(level.pk): level for level in levels}
        self._evidence = {str(item.uuid): item for item in evidence}
        labels = evidence_labels or {}
        self.fields["self_level"].choices = (
            level_choices if level_choices is not None else self.level_choices(levels)
        )
        self.fields["evidence"].choices = [
            (str(item.uuid), labels.get(item.pk, item.title)) for item in evidence
        ]

    @staticmethod
    def level_choices(levels: list[ProficiencyLevel]) -> list[tuple[str, str]]:
        return [("", str(_("Not chosen yet")))] + [(str(level.pk), str(level)) for level in levels]

    def clean_self_level(self) -> ProficiencyLevel | None:
        value = self.cleaned_data["self_level"]
        return self._levels[value] if value else None

    def clean_evidence(self) -> list[Evidence]:
        return [self._evidence[value] for value in self.cleaned_data["evidence"]]


class OverallForm(fast.FastLabels, forms.ModelForm):
    class Meta:
        model = Portfolio
        fields = ["overall_reflection", "development_plan"]
        widgets = {
            "overall_reflection": fast.Textarea(attrs={"rows": 8}),
            "development_plan": fast.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "overall_reflection": _(
                "Markdown. Looking back on this period as a whole: what did you learn?"
            ),
            "development_plan": _("Markdown. What you will work on next, and how."),
        }
