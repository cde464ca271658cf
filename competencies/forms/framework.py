from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coachmaster.uploads import check_upload
from curriculum.locking import VersionedFormMixin

from ..interchange import MAX_UPLOAD_BYTES
from ..models import Competency, CompetencyFramework, ProficiencyLevel, Profile


class CompetencyForm(VersionedFormMixin, forms.ModelForm):
    """A competency with its indicators: one textarea per level and language, a line each."""

    class Meta:
        model = Competency
        fields = [
            "code",
            "profile",
            "role",
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "position",
        ]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, framework: CompetencyFramework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.instance.framework = framework
        self.fields["profile"].queryset = framework.profiles.all()
        self.fields["profile"].empty_label = None
        self.levels = list(framework.levels.all())
        existing: dict[int, list] = {}
        if self.instance.pk:
            for indicator in self.instance.indicators.select_related("level"):
                existing.setdefault(indicator.level.rank, []).append(indicator)
        for level in self.levels:
            for language, label in (("nl", _("Dutch")), ("en", _("English"))):
                name = f"indicators_{level.rank}_{language}"
                self.fields[name] = forms.CharField(
                    label=_("Indicators at level %(level)s (%(language)s)")
                    % {"level": level, "language": label},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_("One indicator per line, in the same order in both languages."),
                    initial="\n".join(
                        getattr(indicator, f"text_{language}")
                        for indicator in existing.get(level.rank, [])
                    ),
                )

    def level_fields(self):
        """(level, Dutch field, English field) for the template."""
        return [
            (level, self[f"indicators_{level.rank}_nl"], self[f"indicators_{level.rank}_en"])
            for level in self.levels
        ]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Competency.objects.filter(framework=self.framework, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another competency of this framework has this code."))
        return code

    def clean(self):
        data = super().clean()
        self.indicators: dict[int, list[tuple[str, str]]] = {}
        for level in self.levels:
            lines = {
                language: [
                    line.strip()
                    for line in data.get(f"indicators_{level.rank}_{language}", "").splitlines()
                    if line.strip()
                ]
                for language in ("nl", "en")
            }
            if len(lines["nl"]) != len(lines["en"]):
                self.add_error(
                    f"indicators_{level.rank}_en",
                    _(
                        "Level %(level)s has %(dutch)s Dutch and %(english)s English indicators; "
                        "give each indicator in both languages."
                    )
                    % {
                        "level": level.rank,
                        "dutch": len(lines["nl"]),
                        "english": len(lines["en"]),
                    },
                )
            self.indicators[level.rank] = list(zip(lines["nl"], lines["en"], strict=False))
        return data


class LevelForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ProficiencyLevel
        fields = ["name_nl", "name_en", "description_nl", "description_en"]
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "builds_on",
            "position",
        ]
        widgets = {
            "builds_on": forms.CheckboxSelectMultiple,
            "description_nl": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        framework = self.instance.framework
        self.fields["builds_on"].queryset = framework.profiles.exclude(pk=self.instance.pk)
        if self.instance.pk is None:
            # A new profile gets its code once; the code is what files and targets refer to.
            self.fields["code"] = forms.SlugField(
                label=_("Code"), max_length=40, help_text=_("For example: team.")
            )
            self.order_fields(["code"])

    def clean_code(self):
        code = self.cleaned_data["code"]
        if self.instance.framework.profiles.filter(code=code).exists():
            raise forms.ValidationError(_("Another profile of this framework has this code."))
        self.instance.code = code
        return code


class TargetLevelForm(forms.Form):
    """One cell of the curriculum map: the level a module aims for, or none."""

    level = forms.ModelChoiceField(
        queryset=ProficiencyLevel.objects.none(), required=False, label=_("Target level")
    )

    def __init__(self, *args, framework: CompetencyFramework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = framework.levels.all()
        self.fields["level"].empty_label = _("Not developed here")


class ReviewTargetsForm(forms.Form):
    def __init__(self, *args, competencies, levels, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        choices = [("", _("No target"))] + [(level.rank, str(level)) for level in levels]
        self.levels = {level.rank: level for level in levels}
        for competency in self.competencies:
            self.fields[f"competency_{competency.pk}"] = forms.TypedChoiceField(
                label=str(competency),
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                initial=current.get(competency.pk),
            )

    def targets(self) -> dict:
        return {
            competency: self.levels.get(self.cleaned_data[f"competency_{competency.pk}"])
            for competency in self.competencies
        }


class SuccessorsForm(forms.Form):
    successors = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Successors in this framework"),
    )

    def __init__(self, *args, framework: CompetencyFramework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successors"].queryset = framework.competencies.in_order()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_("JSON or CSV as exported here, UTF-8, at most 2 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".json", ".csv")):
            raise forms.ValidationError(_("Choose a .json or .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        check_upload(upload, allowed={"json", "csv"}, max_bytes=MAX_UPLOAD_BYTES)
        return upload
