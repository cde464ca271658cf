from __future__ import annotations

import functools

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coachmaster.accounts.models import User, sort_name
from coachmaster.uploads import check_upload
from coachmaster.widgets import FastSelect, plain_choices
from curriculum.models import CurriculumVersion

from .importing import MAX_BYTES
from .models import Cohort, Enrolment, Group, ImportProfile, IntervisionMethod, IntervisionSession


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.sort_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        student = obj.student if isinstance(obj, Enrolment) else obj
        return student.sort_name


def offer_people(field: forms.ModelChoiceField) -> None:
    """Render ``field``'s options (uuid, sort name) from its queryset without building a model
    per person, when the form is shown; the queryset still validates what is posted."""
    people = field.queryset

    @functools.cache  # asked twice when shown: for the required attribute, then the options
    def choices():
        rows = people.values_list("uuid", "given_name", "name_prefix", "family_name")
        options = [(str(uuid), sort_name(*names)) for uuid, *names in rows]
        return [("", field.empty_label), *options] if field.empty_label is not None else options

    field.choices = choices


def staff() -> forms.QuerySet:
    return (
        User.objects.active()
        .filter(Q(is_lecturer=True) | Q(is_supervisor=True) | Q(is_programme_admin=True))
        .by_family_name()
    )


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "start_date", "end_date", "curriculum_version", "status"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["curriculum_version"]
        # A cohort starts on an active version; its current one stays choosable when retired.
        field.queryset = CurriculumVersion.objects.filter(
            Q(status=CurriculumVersion.Status.ACTIVE) | Q(pk=self.instance.curriculum_version_id)
        ).select_related("programme")
        field.required = True

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must come after the start date."))
        return data


class StudentFilterForm(forms.Form):
    SORTS = {
        "name": ("student__family_name", "student__given_name", "pk"),
        "number": ("student_number",),
        "status": ("status", "student__family_name", "pk"),
        "supervisor": ("supervisor_family_name", "student__family_name", "pk"),
    }
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name, number or e-mail"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + Enrolment.Status.choices,
        widget=FastSelect,
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        required=False,
        queryset=Group.objects.none(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    supervisor = PersonChoiceField(
        label=_("Thesis supervisor"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        widget=FastSelect,
        choices=[
            ("name", _("Name")),
            ("number", _("Student number")),
            ("status", _("Status")),
            ("supervisor", _("Thesis supervisor")),
        ],
    )

    def __init__(self, *args, cohort: Cohort, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = cohort.groups.order_by("kind", "name")
        self.fields["group"].to_field_name = "uuid"
        if groups is not None:
            plain_choices(self, "group", group=groups)
        self.fields["supervisor"].queryset = (
            User.objects.filter(
                supervisor_assignments__enrolment__cohort=cohort,
                supervisor_assignments__ended_at__isnull=True,
            )
            .distinct()
            .by_family_name()
        )
        self.fields["supervisor"].to_field_name = "uuid"
        offer_people(self.fields["supervisor"])

    def narrows(self) -> bool:
        """Whether the filter leaves out students (sorting alone does not)."""
        if not self.is_valid():
            return False
        data = self.cleaned_data
        return bool(
            data.get("q", "").strip()
            or data.get("status")
            or data.get("group")
            or data.get("supervisor")
        )

    def apply(self, enrolments):
        if not self.is_valid():
            return enrolments.order_by(*self.SORTS["name"])
        data = self.cleaned_data
        if query := data.get("q", "").strip():
            for word in query.split():
                enrolments = enrolments.filter(
                    Q(student__given_name__icontains=word)
                    | Q(student__family_name__icontains=word)
                    | Q(student__name_prefix__icontains=word)
                    | Q(student__email__icontains=word)
                    | Q(student_number__icontains=word)
                )
        if data.get("status"):
            enrolments = enrolments.filter(status=data["status"])
        if data.get("group"):
            enrolments = enrolments.filter(groups=data["group"])
        if data.get("supervisor"):
            enrolments = enrolments.filter(
                supervisor_assignments__supervisor=data["supervisor"],
                supervisor_assignments__ended_at__isnull=True,
            )
        return enrolments.order_by(*self.SORTS[data.get("sort") or "name"])


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("group", _("Put in group")),
        ("supervisor", _("Assign a thesis supervisor")),
        ("status", _("Change status")),
    ]
    enrolments = forms.ModelMultipleChoiceField(
        queryset=Enrolment.objects.none(),
        to_field_name="uuid",
        error_messages={"required": _("Select at least one student.")},
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS, widget=FastSelect)
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        to_field_name="uuid",
        widget=FastSelect,
    )
    supervisor = PersonChoiceField(
        label=_("Thesis supervisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No thesis supervisor"),
        to_field_name="uuid",
        widget=FastSelect,
    )
    status = forms.ChoiceField(
        label=_("New status"), choices=Enrolment.Status.choices, required=False, widget=FastSelect
    )
    effective_on = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, cohort: Cohort, groups=None, **kwargs):
        # Shown on the cohort page beside the student filter, which has fields of the same
        # names: its own ids keep every id on the page unique (and each label on its field).
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = cohort.enrolments.select_related("student")
        self.fields["group"].queryset = cohort.groups.order_by("kind", "name")
        if groups is not None:
            plain_choices(self, "group", group=groups)
        self.fields["supervisor"].queryset = (
            User.objects.active().filter(is_supervisor=True).by_family_name()
        )
        offer_people(self.fields["supervisor"])

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "group" and not data.get("group"):
            self.add_error("group", _("Choose the group."))
        if action == "status":
            if not data.get("status"):
                self.add_error("status", _("Choose the new status."))
            if not data.get("effective_on"):
                data["effective_on"] = timezone.localdate()
            if (
                data.get("status") != Enrolment.Status.ACTIVE
                and not data.get("reason", "").strip()
            ):
                self.add_error("reason", _("Give a reason for the change of status."))
        return data


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Enrolment.Status.choices)
    effective_on = forms.DateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("status") != Enrolment.Status.ACTIVE and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for the change of status."))
        return data


class SupervisorForm(forms.Form):
    supervisor = PersonChoiceField(
        label=_("Thesis supervisor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No thesis supervisor"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            User.objects.active().filter(is_supervisor=True).by_family_name()
        )


class LecturerAssignmentForm(forms.Form):
    lecturer = PersonChoiceField(label=_("Lecturer"), queryset=User.objects.none())
    teaches = forms.BooleanField(label=_("Teaches"), required=False, initial=True)
    examines = forms.BooleanField(label=_("Examines"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].queryset = (
            User.objects.active().filter(is_lecturer=True).by_family_name()
        )

    def clean(self):
        data = super().clean()
        if not (data.get("teaches") or data.get("examines")):
            raise forms.ValidationError(_("A lecturer teaches, examines or both."))
        return data


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["kind", "name", "facilitator"]
        field_classes = {"facilitator": PersonChoiceField}

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.instance.cohort = cohort
        self.fields["facilitator"].queryset = staff()
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.cohort.groups.filter(name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This cohort already has a group with this name."))
        return name


class MembersForm(forms.Form):
    enrolments = PeopleChoiceField(
        label=_("Students"),
        queryset=Enrolment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="uuid",
        error_messages={"required": _("Select at least one student.")},
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = (
            group.cohort.enrolments.filter(status=Enrolment.Status.ACTIVE)
            .exclude(groups=group)
            .select_related("student")
            .order_by("student__family_name", "student__given_name")
        )


class SessionForm(forms.ModelForm):
    attendees = PeopleChoiceField(
        label=_("Present"),
        queryset=Enrolment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        to_field_name="uuid",
    )

    class Meta:
        model = IntervisionSession
        fields = ["date", "hours", "method", "case_bringer", "case_question"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "case_question": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        members = group.members.select_related("student").order_by(
            "student__family_name", "student__given_name"
        )
        self.fields["attendees"].queryset = members
        self.fields["case_bringer"].queryset = members
        self.fields["case_bringer"].label_from_instance = lambda e: e.student.sort_name
        self.fields["method"].queryset = IntervisionMethod.objects.all()
        self.fields["method"].empty_label = None
        self.fields["hours"].help_text = _("Every student present is credited these hours.")
        if self.instance.pk:
            self.fields["attendees"].initial = list(
                members.filter(attendance__session=self.instance)
            )
        else:
            self.fields["attendees"].initial = list(members.filter(status="active"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Student file"),
        help_text=_("CSV (comma or semicolon, UTF-8) or XLSX, as exported from OSIRIS."),
    )
    profile = forms.ModelChoiceField(
        label=_("Import profile"),
        queryset=ImportProfile.objects.all(),
        required=False,
        empty_label=_("Recognise the columns"),
        help_text=_("A saved column mapping from an earlier import."),
    )
    default_cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.all(),
        required=False,
        empty_label=_("From the file's cohort column"),
        help_text=_("For rows without a cohort of their own."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed={"csv", "xlsx"}, max_bytes=MAX_BYTES)
        return upload


class ImportMappingForm(forms.Form):
    def __init__(self, *args, headers: list[str], fields, initial_columns: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not in the file"))] + [(header, header) for header in headers]
        for name, label, required in fields:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=required,
                initial=initial_columns.get(name, ""),
                error_messages={"required": _("Choose the column that holds this.")},
            )
        self.fields["default_cohort"] = forms.ModelChoiceField(
            label=_("Cohort for rows without one"),
            queryset=Cohort.objects.all(),
            required=False,
        )
        self.fields["save_as"] = forms.CharField(
            label=_("Save this mapping as an import profile named"),
            required=False,
            max_length=80,
        )
        self.field_names = [name for name, _label, _required in fields]

    def columns(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name] for name in self.field_names if self.cleaned_data[name]
        }


class ImportRowForm(forms.Form):
    """One row of an uploaded file, corrected by hand before the import is applied."""

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in fields:
            self.fields[name] = forms.CharField(label=label, required=False, max_length=254)


class EnrolStudentForm(forms.Form):
    student_number = forms.CharField(label=_("Student number"), max_length=20)
    email = forms.EmailField(label=_("E-mail address"))
    given_name = forms.CharField(label=_("Given name"), max_length=150)
    name_prefix = forms.CharField(
        label=_("Name prefix"), max_length=50, required=False, help_text=_("For example: van der")
    )
    family_name = forms.CharField(label=_("Family name"), max_length=150)
