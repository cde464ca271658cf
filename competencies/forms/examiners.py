"""The administrator's forms for assessments: filtering the overview and choosing examiners."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cohorts.models import Cohort
from curriculum.models import ReviewMoment

from ..models import Assessment
from ..services import examiners as services


class MomentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReviewMoment) -> str:
        return f"{obj.name} ({obj.version.programme.name} {obj.version.name})"


class AssessmentFilterForm(forms.Form):
    """Filters of the assessments overview (GET). ``apply`` returns the assessments chosen."""

    NEEDS_EXAMINERS = "needs_examiners"
    NEEDS_THIRD = "needs_third"
    OPEN = "open"
    RECONCILING = "reconciling"
    OVERDUE = "overdue"
    RELEASED = "released"

    cohort = forms.ModelChoiceField(
        label=_("Cohort"), required=False, queryset=Cohort.objects.none(), empty_label=_("All")
    )
    moment = MomentChoiceField(
        label=_("Review moment"),
        required=False,
        queryset=ReviewMoment.objects.none(),
        empty_label=_("All"),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            (NEEDS_EXAMINERS, _("Needs examiners")),
            (NEEDS_THIRD, _("Needs a third examiner")),
            (OPEN, _("Being assessed")),
            (RECONCILING, _("Being reconciled")),
            (OVERDUE, _("Overdue")),
            (RELEASED, _("Released")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        cohort.queryset = Cohort.objects.order_by("-start_date", "name")
        cohort.to_field_name = "uuid"
        moment = self.fields["moment"]
        moment.queryset = ReviewMoment.objects.select_related("version__programme").order_by(
            "version__programme__code", "-version__name", "position"
        )
        moment.to_field_name = "uuid"

    def apply(self, assessments: QuerySet) -> QuerySet:
        """``assessments`` (annotated by ``services.with_examiner_counts``) as filtered."""
        if not self.is_valid():
            return assessments
        data = self.cleaned_data
        if data.get("cohort"):
            assessments = assessments.filter(portfolio__enrolment__cohort=data["cohort"])
        if data.get("moment"):
            assessments = assessments.filter(portfolio__review_moment=data["moment"])
        state = data.get("state")
        if state == self.NEEDS_EXAMINERS:
            assessments = services.short_of_examiners(assessments)
        elif state == self.NEEDS_THIRD:
            assessments = services.awaiting_third_examiner(assessments)
        elif state == self.OPEN:
            assessments = assessments.filter(status=Assessment.Status.OPEN)
        elif state == self.RECONCILING:
            assessments = assessments.filter(status=Assessment.Status.RECONCILING)
        elif state == self.OVERDUE:
            assessments = assessments.filter(
                status__in=services.OPEN_STATUSES, due_on__lt=timezone.localdate()
            )
        elif state == self.RELEASED:
            assessments = assessments.filter(status=Assessment.Status.RELEASED)
        return assessments


class ExaminerChoiceField(forms.ModelMultipleChoiceField):
    """Eligible lecturers, least loaded first, each with their current open examinations."""

    def __init__(self, *args, supervisor_id: int | None = None, **kwargs):
        self.supervisor_id = supervisor_id
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        load = ngettext(
            "%(count)s open examination", "%(count)s open examinations", obj.open_load
        ) % {"count": obj.open_load}
        label = f"{obj.sort_name} ({load})"
        if obj.pk == self.supervisor_id:
            label += " · " + str(_("the student's thesis supervisor"))
        return label


class AssignExaminersForm(forms.Form):
    users = ExaminerChoiceField(
        label=_("Examiners to add"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one examiner.")},
    )

    def __init__(self, *args, eligible: QuerySet, supervisor_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["users"]
        field.queryset = eligible
        field.to_field_name = "uuid"
        field.supervisor_id = supervisor_id
        field.help_text = _(
            "Proposed examiners are checked: the lecturers with the fewest open examinations. "
            "They are numbered in the order shown."
        )

    def chosen(self) -> list:
        """The chosen lecturers in the order shown (least loaded first)."""
        return list(self.cleaned_data["users"])
