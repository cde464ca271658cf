"""Forms of the supervisor and administrator screens: filters, staff rows, the host registry
and the milestone template. Choices are passed in (built from one query each), so a page
with many rows never runs a query per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import HostOrganisation, MilestoneTemplate, ThesisProject

EMPTY = [("", "—")]


class SupervisionFilterForm(forms.Form):
    cohort = forms.ChoiceField(label=_("Cohort"), required=False)
    attention = forms.BooleanField(label=_("Only overdue or waiting for me"), required=False)

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", _("All cohorts"))] + [
            (str(cohort.uuid), cohort.name) for cohort in cohorts
        ]


class OverviewFilterForm(forms.Form):
    cohort = forms.ChoiceField(label=_("Cohort"), required=False)
    supervisor = forms.ChoiceField(label=_("Supervisor"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    approach = forms.ChoiceField(label=_("Research approach"), required=False)
    overdue = forms.BooleanField(label=_("Only with overdue milestones"), required=False)

    def __init__(self, *args, cohorts=(), supervisors=(), approaches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [(str(c.uuid), c.name) for c in cohorts]
        self.fields["supervisor"].choices = [("", _("Any supervisor"))] + [
            (str(person.pk), person.sort_name) for person in supervisors
        ]
        self.fields["status"].choices = [("", _("Any status"))] + list(
            ThesisProject.Status.choices
        )
        self.fields["approach"].choices = [("", _("Any approach"))] + [
            (str(approach.pk), approach.name) for approach in approaches
        ]


class StaffRowForm(forms.Form):
    """One student's supervisor and (when there is a project) second reader."""

    supervisor = forms.ChoiceField(label=_("Supervisor"), required=False)
    second_reader = forms.ChoiceField(label=_("Second reader"), required=False)

    def __init__(self, *args, supervisor_choices, reader_choices, has_project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = EMPTY + list(supervisor_choices)
        if has_project:
            self.fields["second_reader"].choices = EMPTY + list(reader_choices)
        else:
            del self.fields["second_reader"]


class HostForm(forms.ModelForm):
    class Meta:
        model = HostOrganisation
        fields = [
            "name",
            "sector",
            "contact_name",
            "contact_email",
            "contact_phone",
            "agreement",
            "agreement_signed_on",
            "confidential",
            "may_be_named",
            "sponsor_name",
            "sponsor_signed_off_on",
            "notes",
        ]
        widgets = {
            "agreement_signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sponsor_signed_off_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def _get_validation_exclusions(self):
        # The case-insensitive unique name is checked by ``services.save_host``, which says
        # which organisation it is; the database constraint's own message says nothing useful.
        exclude = super()._get_validation_exclusions()
        exclude.add("name")
        return exclude


class HostSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or sector"), required=False, max_length=100)


class TemplateForm(forms.ModelForm):
    offset_weeks = forms.IntegerField(
        label=_("weeks after the cohort starts"), min_value=1, max_value=520
    )

    class Meta:
        model = MilestoneTemplate
        fields = ["name_nl", "name_en", "description_nl", "description_en", "offset_weeks"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }


class BaseTemplateFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        previous = None
        for form in self.forms:
            weeks = form.cleaned_data.get("offset_weeks")
            if weeks is None:
                continue
            if previous is not None and weeks < previous[1]:
                form.add_error(
                    "offset_weeks",
                    _("Due %(weeks)s weeks after the start: earlier than “%(previous)s”.")
                    % {"weeks": weeks, "previous": previous[0]},
                )
            previous = (form.instance.name, weeks)
        if any(self.errors):
            raise forms.ValidationError(
                _("Each milestone must be due on or after the one before it.")
            )


TemplateFormSet = forms.modelformset_factory(
    MilestoneTemplate, form=TemplateForm, formset=BaseTemplateFormSet, extra=0, can_delete=False
)
