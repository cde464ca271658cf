"""Forms of reconciliation: proposing the final result, approving it, asking for a third
examiner, and correcting a released result. Levels are offered from lists the page has
already loaded, so rendering a field per competency costs no queries."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Competency, ProficiencyLevel, Verdict
from .fields import GradeField


def level_field_name(competency: Competency) -> str:
    return f"level_{competency.pk}"


class _LevelsMixin:
    """A select per competency, cleaned to ``self.levels()``: {competency id: level}."""

    level_required = True

    def _add_levels(self, competencies: list[Competency], levels: list[ProficiencyLevel]):
        self.competencies = competencies
        self._levels = {str(level.pk): level for level in levels}
        empty = _("Choose a level") if self.level_required else _("Unchanged")
        for competency in competencies:
            self.fields[level_field_name(competency)] = forms.ChoiceField(
                label=_("%(code)s %(name)s") % {"code": competency.code, "name": competency.name},
                required=self.level_required,
                choices=[("", empty)] + [(str(level.pk), str(level)) for level in levels],
            )

    def level_fields(self):
        """(competency, bound field) pairs in framework order, for the template."""
        return [
            (competency, self[level_field_name(competency)]) for competency in self.competencies
        ]

    def levels(self) -> dict[int, ProficiencyLevel]:
        chosen = {}
        for competency in self.competencies:
            value = self.cleaned_data.get(level_field_name(competency))
            if value:
                chosen[competency.pk] = self._levels[value]
        return chosen


class ProposalForm(_LevelsMixin, forms.Form):
    """The final result as one examiner proposes it."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=[("", "—"), *Verdict.choices])
    grade = GradeField(
        label=_("Grade"),
        required=False,
        help_text=_("From 1 to 10 with one decimal, e.g. 7,5."),
    )
    resubmission_deadline = forms.DateField(
        label=_("Resubmit by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only for “not yet”: the date by which the student submits again."),
    )
    explanation = forms.CharField(
        label=_("Joint explanation"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the student reads with the result, on behalf of all examiners. Markdown."
        ),
    )

    def __init__(
        self,
        *args,
        competencies: list[Competency],
        levels: list[ProficiencyLevel],
        grade_required: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._add_levels(competencies, levels)
        self.fields["grade"].required = grade_required
        self.order_fields(
            ["revision"]
            + [level_field_name(c) for c in competencies]
            + ["verdict", "grade", "resubmission_deadline", "explanation"]
        )


class ApproveForm(forms.Form):
    revision = forms.IntegerField(min_value=1)


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cannot agree"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The administrator reads this and adds a third examiner."),
    )


class CorrectionForm(_LevelsMixin, forms.Form):
    """A change to a released result: blank parts stay as they are."""

    level_required = False

    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The student and the administrator read it."),
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"), required=False, choices=[("", _("Unchanged")), *Verdict.choices]
    )
    grade = GradeField(
        label=_("Grade"),
        required=False,
        help_text=_("Leave empty to keep the grade."),
    )
    resubmission_deadline = forms.DateField(
        label=_("Resubmit by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Only when you correct the verdict to “not yet”."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Leave empty to keep the joint explanation. Markdown."),
    )

    def __init__(
        self, *args, competencies: list[Competency], levels: list[ProficiencyLevel], **kw
    ):
        super().__init__(*args, **kw)
        self._add_levels(competencies, levels)
        self.order_fields(
            ["reason", "verdict", "grade", "resubmission_deadline"]
            + [level_field_name(c) for c in competencies]
            + ["explanation"]
        )
