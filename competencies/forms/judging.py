"""Forms of the examiner's pages: the judgement of a portfolio (per competency the level
reached, indicators observed and feedback; overall a verdict, a grade where the review moment
asks for one, and feedback) and the filters of the assessment queue.

Choices are given as lists (the page has already loaded the scale, the competencies and
their indicators), so building and rendering the form costs no queries.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coachmaster import widgets as fast
from cohorts.models import Cohort
from curriculum.models import ReviewMoment

from ..models import Competency, Examiner, Indicator, Judgement, ProficiencyLevel, Verdict
from .fields import GradeField

FEEDBACK_MAX = 20000


class JudgementForm(fast.FastLabels, forms.Form):
    """One examiner's whole judgement. Every field may be empty while it is a draft: what a
    submission needs is checked by ``services.judging.submit_judgement``."""

    verdict = forms.ChoiceField(
        label=_("Verdict"),
        required=False,
        choices=Verdict.choices,
        widget=fast.RadioSelect,
    )
    grade = GradeField(
        label=_("Grade"),
        required=False,
        help_text=_("From 1 to 10 with one decimal, e.g. 7,5."),
    )
    feedback = forms.CharField(
        label=_("Overall feedback"),
        required=False,
        max_length=FEEDBACK_MAX,
        widget=fast.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. What the student does well and what to work on next."),
    )

    def __init__(
        self,
        *args,
        competencies: list[Competency],
        levels: list[ProficiencyLevel],
        indicators: list[Indicator],
        grade_required: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self._levels = {str(level.pk): level for level in levels}
        self._indicators: dict[int, dict[str, Indicator]] = {}
        for indicator in indicators:
            self._indicators.setdefault(indicator.competency_id, {})[str(indicator.pk)] = indicator
        if not grade_required:
            del self.fields["grade"]
        level_choices = [(str(level.pk), str(level)) for level in levels]
        for competency in competencies:
            pk = competency.pk
            self.fields[f"level_{pk}"] = forms.ChoiceField(
                label=_("Level reached"),
                required=False,
                choices=level_choices,
                widget=fast.RadioSelect,
            )
            self.fields[f"indicators_{pk}"] = forms.MultipleChoiceField(
                label=_("Indicators observed"),
                required=False,
                choices=[
                    (key, indicator.text)
                    for key, indicator in self._indicators.get(pk, {}).items()
                ],
                widget=fast.CheckboxSelectMultiple,
            )
            self.fields[f"feedback_{pk}"] = forms.CharField(
                label=_("Feedback on %(code)s") % {"code": competency.code},
                required=False,
                max_length=FEEDBACK_MAX,
                widget=fast.Textarea(attrs={"rows": 5}),
                help_text=_("Markdown."),
            )

    @staticmethod
    def initial_for(examiner: Examiner, judgements: list[Judgement]) -> dict:
        """The form's initial values from the examiner's saved draft."""
        initial = {
            "verdict": examiner.verdict,
            "grade": examiner.grade,
            "feedback": examiner.feedback,
        }
        for judgement in judgements:
            pk = judgement.competency_id
            initial[f"level_{pk}"] = str(judgement.level_id) if judgement.level_id else ""
            initial[f"indicators_{pk}"] = [str(item.pk) for item in judgement.indicators.all()]
            initial[f"feedback_{pk}"] = judgement.feedback
        return initial

    def rows(self) -> list[dict]:
        """Per competency: its level field, its indicator checkboxes grouped by level, and
        its feedback field."""
        rows = []
        for competency in self.competencies:
            pk = competency.pk
            indicators = list(self._indicators.get(pk, {}).values())
            groups: list[dict] = []
            for indicator, checkbox in zip(indicators, self[f"indicators_{pk}"], strict=True):
                if not groups or groups[-1]["level"].pk != indicator.level_id:
                    groups.append(
                        {"level": self._levels.get(str(indicator.level_id)), "boxes": []}
                    )
                groups[-1]["boxes"].append(checkbox)
            rows.append(
                {
                    "competency": competency,
                    "level": self[f"level_{pk}"],
                    "indicators": self[f"indicators_{pk}"],
                    "indicator_groups": groups,
                    "feedback": self[f"feedback_{pk}"],
                }
            )
        return rows

    def draft(self) -> dict:
        """The cleaned data as keyword arguments of ``services.judging.save_draft``."""
        data = self.cleaned_data
        levels, indicators, feedback = {}, {}, {}
        for competency in self.competencies:
            pk = competency.pk
            levels[pk] = self._levels.get(data.get(f"level_{pk}") or "")
            chosen = self._indicators.get(pk, {})
            indicators[pk] = [chosen[key] for key in data.get(f"indicators_{pk}", [])]
            feedback[pk] = data.get(f"feedback_{pk}", "")
        return {
            "levels": levels,
            "indicators": indicators,
            "feedback": feedback,
            "verdict": data.get("verdict", ""),
            "grade": data.get("grade"),
            "overall_feedback": data.get("feedback", ""),
        }


class SignForm(fast.FastLabels, forms.Form):
    """Submitting signs the judgement: the examiner confirms it explicitly."""

    confirm = forms.BooleanField(
        label=_("I sign this judgement. After submitting I can't change it."),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you sign your judgement.")},
    )


class ReviewMomentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, moment: ReviewMoment) -> str:
        return f"{moment.name} ({moment.version.name})"


class QueueFilterForm(forms.Form):
    """Filters of the examiner's queue; the choices are the examiner's own assessments."""

    STATES = [
        ("", _("All")),
        ("to_assess", _("To assess")),
        ("draft_saved", _("Draft saved")),
        ("waiting", _("Waiting for the other examiners")),
        ("to_reconcile", _("To reconcile")),
        ("ready_to_release", _("Ready to release")),
    ]

    state = forms.ChoiceField(
        label=_("My state"), required=False, choices=STATES, widget=fast.FastSelect
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        required=False,
        queryset=Cohort.objects.none(),
        to_field_name="uuid",
        empty_label=_("All"),
        widget=fast.FastSelect,
    )
    moment = ReviewMomentChoiceField(
        label=_("Review moment"),
        required=False,
        queryset=ReviewMoment.objects.none(),
        to_field_name="uuid",
        empty_label=_("All"),
        widget=fast.FastSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The cohorts and review moments of my examinations (a semi-join on my examiner rows,
        # through the examiner's user index).
        mine = Examiner.objects.filter(user=user).order_by()
        self.fields["cohort"].queryset = Cohort.objects.filter(
            pk__in=mine.values("assessment__portfolio__enrolment__cohort_id")
        ).order_by("-start_date", "name")
        self.fields["moment"].queryset = (
            ReviewMoment.objects.filter(
                pk__in=mine.values("assessment__portfolio__review_moment_id")
            )
            .select_related("version")
            .order_by("version__name", "position", "code")
        )
        fast.plain_choices(self, "cohort", "moment")

    def apply(self, examiners, *, prefix: str = "assessment__"):
        """``examiners`` (or assessments, with ``prefix=""``) narrowed by the cohort and the
        review moment. The state is filtered by the view, which annotates it."""
        if not self.is_valid():
            return examiners
        data = self.cleaned_data
        if data.get("cohort"):
            examiners = examiners.filter(
                **{f"{prefix}portfolio__enrolment__cohort": data["cohort"]}
            )
        if data.get("moment"):
            moment = {f"{prefix}portfolio__review_moment": data["moment"]}
            examiners = examiners.filter(**moment)
        return examiners
