"""Forms of the project and milestone pages: they check the shape of the input; the rules
(who may do what, which transitions are allowed) are in ``thesis.services``.

The milestone page shows several forms at once, each with its own prefix so that their
fields keep distinct names and ids when one is shown again with an error.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from competencies.uploads import allowed_extensions, check_upload
from curriculum.locking import VersionedFormMixin

from ..models import HostOrganisation, ResearchApproach, ThesisProject, VersionReview
from ..services import PROJECT_FIELDS


class ApproachChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResearchApproach) -> str:
        return obj.name


class StartProjectForm(forms.Form):
    working_title = forms.CharField(
        label=_("Working title"),
        max_length=250,
        help_text=_("You can change it later."),
    )
    research_question = forms.CharField(
        label=_("Research question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A first version is fine; you sharpen it in your proposal."),
    )
    approach = ApproachChoiceField(
        label=_("Research approach"),
        queryset=ResearchApproach.objects.all(),
        required=False,
        empty_label=_("Not chosen yet"),
    )


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    """The project's description; saved through ``services.update_project``."""

    class Meta:
        model = ThesisProject
        fields = list(PROJECT_FIELDS)
        widgets = {
            "research_question": forms.Textarea(attrs={"rows": 3}),
            "design": forms.Textarea(attrs={"rows": 6}),
        }
        field_classes = {"approach": ApproachChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = HostOrganisation.objects.order_by("name")
        self.fields["host_organisation"].empty_label = _("Not known yet")
        self.fields["approach"].empty_label = _("Not chosen yet")

    def values(self) -> dict:
        """The cleaned values, as keyword arguments for ``services.update_project``."""
        return {name: self.cleaned_data[name] for name in PROJECT_FIELDS} | {
            "version": self.opened_version
        }


class UploadForm(forms.Form):
    prefix = "upload"

    file = forms.FileField(label=_("File"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What this version is, and how it answers the feedback on the last one. "
            "Markdown is allowed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Accepted: %(types)s; at most %(size)s MB. The type is read from the content."
        ) % {
            "types": ", ".join(sorted(allowed_extensions())),
            "size": settings.EVIDENCE_MAX_UPLOAD_MB,
        }

    def clean_file(self):
        # A CheckedFile: judged by its content (type, size, no hidden web page or script).
        return check_upload(self.cleaned_data["file"])


class ReviewForm(forms.Form):
    """Feedback on the latest version; the decision comes from the button pressed."""

    prefix = "review"

    feedback = forms.CharField(
        label=_("Feedback"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is allowed. The student sees it with this version."),
    )
    decision = forms.ChoiceField(
        choices=VersionReview.Decision.choices,
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose whether to approve or to ask for a revision.")},
    )


class ReopenForm(forms.Form):
    prefix = "reopen"

    reason = forms.CharField(
        label=_("Why reopen it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The student and the history show this reason."),
    )


class DueDateForm(forms.Form):
    prefix = "due"

    due_on = forms.DateField(
        label=_("New due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example an agreed extension; the history shows it."),
    )


class SignOffForm(forms.Form):
    prefix = "signoff"

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: how the defence went."),
    )
