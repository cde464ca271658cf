from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .locking import VersionedFormMixin
from .models import CurriculumVersion, Discipline, Module, Period, ReviewMoment


class VersionSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)

    def __init__(self, *args, version: CurriculumVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.years = list(version.years.all())
        for year in self.years:
            self.fields[f"ec_year_{year.number}"] = forms.DecimalField(
                label=_("EC expected in year %(number)s") % {"number": year.number},
                min_value=0,
                max_digits=5,
                decimal_places=1,
                initial=year.ec_target,
            )
        self.fields["name"].initial = version.name

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = CurriculumVersion.objects.filter(programme=self.version.programme, name=name)
        if others.exclude(pk=self.version.pk).exists():
            raise forms.ValidationError(_("This programme already has a version with this name."))
        return name

    def ec_targets(self) -> dict[int, object]:
        return {year.number: self.cleaned_data[f"ec_year_{year.number}"] for year in self.years}


class VersionNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new version"),
        max_length=60,
        help_text=_("For example the year the first cohort following it starts: 2026."),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if CurriculumVersion.objects.filter(programme=self.programme, name=name).exists():
            raise forms.ValidationError(_("This programme already has a version with this name."))
        return name


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["year", "number", "name_nl", "name_en", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, version: CurriculumVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = version.years.all()
        self.fields["year"].empty_label = None


class ModuleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Module
        fields = [
            "period",
            "code",
            "title_nl",
            "title_en",
            "description_nl",
            "description_en",
            "learning_outcomes_nl",
            "learning_outcomes_en",
            "ec",
            "assessment_form",
            "disciplines",
            "position",
        ]
        widgets = {
            "disciplines": forms.CheckboxSelectMultiple,
            "description_nl": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "learning_outcomes_nl": forms.Textarea(attrs={"rows": 4}),
            "learning_outcomes_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, version: CurriculumVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["period"].queryset = Period.objects.filter(
            year__version=version
        ).select_related("year")
        self.fields["period"].label_from_instance = lambda period: (
            f"{_('Year %(number)s') % {'number': period.year.number}} · {period.name}"
        )
        self.fields["period"].empty_label = None
        self.fields["disciplines"].queryset = Discipline.objects.all()
        self.fields["ec"].help_text = _("1 EC is 28 hours of study load.")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Module.objects.filter(period__year__version=self.version, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another module of this version has this code."))
        return code


class ReviewMomentForm(forms.ModelForm):
    class Meta:
        model = ReviewMoment
        fields = [
            "code",
            "name_nl",
            "name_en",
            "year",
            "offset_months",
            "date",
            "min_examiners",
            "decisive",
            "grade_required",
            "position",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, version: CurriculumVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.instance.version = version
        self.fields["year"].widget = forms.Select(
            choices=[(year.number, year.number) for year in version.years.all()]
        )
        self.fields["offset_months"].help_text = _(
            "Either months after the cohort starts or a fixed date, not both."
        )
        if not self.instance.pk:
            self.fields["min_examiners"].initial = 1

    def clean(self):
        data = super().clean()
        if data.get("offset_months") is not None and data.get("date"):
            raise forms.ValidationError(
                _("Give either the months after the cohort starts or a date, not both.")
            )
        if data.get("decisive") and (data.get("min_examiners") or 0) < 2:
            self.add_error(
                "min_examiners", _("A decisive review moment needs at least two examiners.")
            )
        code = data.get("code")
        if code:
            clash = ReviewMoment.objects.filter(version=self.version, code=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("Another review moment of this version has this code."))
        return data
