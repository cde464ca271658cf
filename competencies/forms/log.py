"""Forms of the learning log: quick and full activity forms, the list filter, engagements."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coachmaster.widgets import (
    DateInput,
    FastLabels,
    FastSelect,
    NumberInput,
    TextInput,
    plain_choices,
)
from cohorts.models import Enrolment
from curriculum.models import Discipline

from ..models import ActivityKind, ClientEngagement, Competency, LearningActivity
from ..models.log import EnactedRole, SystemLevel
from ..services.log import selectable_competencies

DATE = DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompetencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.code} {obj.name}"


class QuickActivityForm(FastLabels, forms.ModelForm):
    """The few fields of quick entry and inline editing.

    ``kinds`` and ``engagements``: the activity kinds and the enrolment's engagements when the
    view already has them (the log page shares them with its filter form).
    """

    class Meta:
        model = LearningActivity
        fields = ["kind", "date", "hours", "title", "engagement", "system_level", "role"]
        widgets = {
            "date": DATE,
            "hours": NumberInput(attrs={"step": "0.25", "min": "0.25"}),
            "title": TextInput,
            "kind": FastSelect,
            "engagement": FastSelect,
            "system_level": FastSelect,
            "role": FastSelect,
        }

    def __init__(self, *args, enrolment: Enrolment, kinds=None, engagements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.enrolment = enrolment
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self.fields["engagement"].queryset = ClientEngagement.objects.for_enrolment(enrolment)
        self.fields["engagement"].help_text = _("Only for work with a client.")
        self.fields["kind"].queryset = ActivityKind.objects.all()
        plain_choices(self, "kind", "engagement", kind=kinds, engagement=engagements)


class ActivityForm(QuickActivityForm):
    """Every field of an activity."""

    class Meta(QuickActivityForm.Meta):
        fields = [*QuickActivityForm.Meta.fields, "description", "reflection"]
        widgets = {
            **QuickActivityForm.Meta.widgets,
            "description": forms.Textarea(attrs={"rows": 5}),
            "reflection": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "description": _("What happened. Markdown: **bold**, *italic*, lists, links."),
            "reflection": _(
                "What you learned, what you would do differently, which theory helps. Markdown."
            ),
        }

    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines drawn on"),
        queryset=Discipline.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    competencies = CompetencyChoiceField(
        label=_("Competencies touched"),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, enrolment=enrolment, **kwargs)
        self.fields["competencies"].queryset = selectable_competencies(enrolment).order_by(
            "profile__position", "position", "code"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["disciplines"] = list(self.instance.disciplines.all())
            self.initial["competencies"] = list(self.instance.competencies.all())
        # Field order: the quick fields, then what the activity drew on, then the texts.
        self.order_fields(
            [*QuickActivityForm.Meta.fields, "disciplines", "competencies", "description"]
        )


class ActivityFilterForm(FastLabels, forms.Form):
    """The log's filter; ``kinds`` and ``engagements`` as for ``QuickActivityForm``."""

    kind = forms.ModelChoiceField(
        label=_("Kind"),
        queryset=ActivityKind.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
        widget=FastSelect,
    )
    system_level = forms.ChoiceField(
        label=_("System level"),
        required=False,
        choices=[("", _("All")), *SystemLevel.choices],
        widget=FastSelect,
    )
    role = forms.ChoiceField(
        label=_("Role enacted"),
        required=False,
        choices=[("", _("All")), *EnactedRole.choices],
        widget=FastSelect,
    )
    engagement = forms.ModelChoiceField(
        label=_("Client engagement"),
        queryset=ClientEngagement.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("All"),
        widget=FastSelect,
    )
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label=_("All"),
        widget=FastSelect,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Up to and including"), required=False, widget=DATE)
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=TextInput)

    def __init__(self, *args, enrolment: Enrolment, kinds=None, engagements=None, **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = ClientEngagement.objects.for_enrolment(enrolment)
        self.fields["competency"].queryset = selectable_competencies(enrolment).order_by(
            "profile__position", "position", "code"
        )
        plain_choices(self, "kind", "engagement", "competency", kind=kinds, engagement=engagements)

    @property
    def data_ok(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    def apply(self, activities):
        data = self.data_ok
        if data.get("kind"):
            activities = activities.filter(kind=data["kind"])
        if data.get("system_level"):
            activities = activities.filter(system_level=data["system_level"])
        if data.get("role"):
            activities = activities.filter(role=data["role"])
        if data.get("engagement"):
            activities = activities.filter(engagement=data["engagement"])
        if data.get("competency"):
            activities = activities.filter(competencies=data["competency"])
        activities = activities.between(data.get("date_from"), data.get("date_to"))
        for word in data.get("q", "").split():
            activities = activities.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(reflection__icontains=word)
            )
        return activities

    def includes_attendance(self) -> bool:
        """Intervision attendance has no level, role, engagement or competencies: it shows
        only when no such filter is set and the kind filter allows intervision."""
        data = self.data_ok
        if data.get("kind") and data["kind"].code != "intervision":
            return False
        return not any(
            data.get(name) for name in ("system_level", "role", "engagement", "competency")
        )

    def apply_to_attendance(self, attendance):
        data = self.data_ok
        if data.get("date_from"):
            attendance = attendance.filter(session__date__gte=data["date_from"])
        if data.get("date_to"):
            attendance = attendance.filter(session__date__lte=data["date_to"])
        for word in data.get("q", "").split():
            attendance = attendance.filter(
                Q(session__group__name__icontains=word)
                | Q(session__method__name_nl__icontains=word)
                | Q(session__method__name_en__icontains=word)
            )
        return attendance


class EngagementForm(forms.ModelForm):
    SECTIONS = (
        (
            _("Client"),
            [
                "client_code",
                "sector",
                "client_type",
                "group_size",
                "paid",
                "internal",
                "started_on",
                "ended_on",
            ],
        ),
        (_("Sponsor and goals"), ["sponsor", "goals"]),
        (
            _("Three-way contract"),
            [
                "contract_goals",
                "contract_confidentiality",
                "contract_reporting",
                "contract_evaluation",
                "contract_agreed_on",
            ],
        ),
        (_("Consent"), ["consent", "consent_on"]),
    )

    class Meta:
        model = ClientEngagement
        fields = [
            "client_code",
            "sector",
            "client_type",
            "group_size",
            "paid",
            "internal",
            "started_on",
            "ended_on",
            "sponsor",
            "goals",
            "contract_goals",
            "contract_confidentiality",
            "contract_reporting",
            "contract_evaluation",
            "contract_agreed_on",
            "consent",
            "consent_on",
        ]
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "contract_agreed_on": DATE,
            "consent_on": DATE,
            "goals": forms.Textarea(attrs={"rows": 4}),
            "contract_goals": forms.Textarea(attrs={"rows": 3}),
            "contract_confidentiality": forms.Textarea(attrs={"rows": 3}),
            "contract_reporting": forms.Textarea(attrs={"rows": 3}),
            "contract_evaluation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "client_code": _(
                "Never a real name, initials or anything else that identifies the client: "
                "use a code such as C-07 or a made-up name such as “Team Noord”."
            ),
            "group_size": _("For a group: how many people, at least two."),
            "sponsor": _("The role of who commissioned the work, never a name: e.g. HR manager."),
            "goals": _("Markdown."),
            "contract_confidentiality": _("What stays between coach and coachee."),
            "contract_reporting": _("What the sponsor hears, from whom and when."),
            "consent": _(
                "The client agrees that this engagement is recorded (pseudonymised) and "
                "counted in your hours ledger. Without consent the hours never count."
            ),
        }

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.instance.enrolment = enrolment

    def sections(self):
        for title, names in self.SECTIONS:
            yield title, [self[name] for name in names]

    def clean_client_code(self) -> str:
        code = self.cleaned_data["client_code"].strip()
        taken = (
            ClientEngagement.objects.for_enrolment(self.enrolment)
            .filter(client_code__iexact=code)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            raise forms.ValidationError(
                _("You already have a client with this pseudonym: choose another one.")
            )
        return code
