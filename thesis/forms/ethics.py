"""Forms of the ethics review pages: the checklist, the decision, referring a low-risk review,
starting a new round, and appointing ethics reviewers. The forms check the shape of the input;
``thesis.services`` enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coachmaster.accounts.models import User

from .. import ethics

ANSWER_CHOICES = [(ethics.YES, _("Yes")), (ethics.NO, _("No"))]
MAX_TEXT = 5000


class ChecklistForm(forms.Form):
    """One yes/no radio group per question of ``thesis.ethics.QUESTIONS`` (all optional: a
    part-filled checklist can be saved; submitting asks for every answer), plus two texts."""

    consent_procedure = forms.CharField(
        label=_("Informed-consent procedure"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "How participants are informed, how they give consent and how they can withdraw. "
            "Markdown is allowed."
        ),
    )
    data_management = forms.CharField(
        label=_("Data storage and retention"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Where data is stored, who has access, how it is pseudonymised and when it is "
            "deleted. Markdown is allowed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = {
            question.key: forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                choices=ANSWER_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            for question in ethics.QUESTIONS
        }
        # The questions first, then the two texts.
        self.fields = {**questions, **self.fields}

    @classmethod
    def initial_for(cls, review) -> dict:
        return {
            **review.answers,
            "consent_procedure": review.consent_procedure,
            "data_management": review.data_management,
        }

    def question_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in ethics.QUESTION_KEYS]

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key in ethics.QUESTION_KEYS}


class DecisionForm(forms.Form):
    APPROVE, CHANGES = "approve", "changes"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (APPROVE, _("Approve the research design")),
            (CHANGES, _("Ask for changes")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve or to ask for changes.")},
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you ask for changes: say what has to change. Markdown."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.CHANGES and not cleaned.get("note", "").strip():
            self.add_error("note", _("Explain what has to change."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class ReferForm(forms.Form):
    note = forms.CharField(
        label=_("Why you refer this review"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The ethics reviewer and the student read this."),
        error_messages={"required": _("Say why you refer this review.")},
    )


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("What changes in the research design"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The changed design needs a new ethics approval."),
        error_messages={"required": _("Say what changes in your research design.")},
    )


class AppointForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        to_field_name="uuid",
        empty_label=_("Choose a staff member"),
    )

    def __init__(self, *args, current_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["user"].queryset = (
            User.objects.active()
            .filter(Q(is_lecturer=True) | Q(is_supervisor=True) | Q(is_programme_admin=True))
            .exclude(pk__in=current_ids)
            .by_family_name()
        )
        self.fields["user"].label_from_instance = lambda user: f"{user.sort_name} ({user.email})"
