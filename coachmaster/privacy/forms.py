"""Forms of the privacy app: they check the shape of input; ``services`` enforces the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action, Clock, RetentionRule


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = [
            "years",
            "months",
            "clock",
            "action",
            "kept_on_erasure",
            "explanation_nl",
            "explanation_en",
        ]
        widgets = {
            "explanation_nl": forms.Textarea(attrs={"rows": 4, "lang": "nl"}),
            "explanation_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = self.instance.spec
        self.fields["years"].widget.attrs.update(min=0, max=100)
        self.fields["months"].widget.attrs.update(min=0, max=11)
        self.fields["years"].max_value = 100
        self.fields["clock"].choices = [(c, Clock(c).label) for c in spec.clocks]
        self.fields["action"].choices = [(a, Action(a).label) for a in spec.actions]
        if spec.minimum_months:
            # Kept by law: always kept on erasure; the service refuses anything else too.
            self.fields["kept_on_erasure"].disabled = True
            self.fields["years"].help_text = _("At least %(years)s years (the legal minimum).") % {
                "years": spec.minimum_months // 12
            }
            self.fields["years"].widget.attrs["min"] = spec.minimum_months // 12

    def clean_years(self):
        years = self.cleaned_data["years"]
        if years > 100:
            raise forms.ValidationError(_("Give at most 100 years."))
        return years


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You don't have to give a reason. It is removed once the request is handled."),
    )
