"""Forms of the formative feedback pages: asking a lecturer, replying, and the list's filters.
The forms check the shape of the input; ``services.feedback`` enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort

from ..models import FeedbackThread
from ..services.feedback import MAX_SUBJECT_LENGTH, MAX_TEXT_LENGTH


class AskFeedbackForm(forms.Form):
    lecturer = forms.ChoiceField(label=_("Lecturer"))
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT_LENGTH)
    question = forms.CharField(
        label=_("Your question"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What would you like feedback on? Be specific. Markdown; at most 5,000 characters."
        ),
    )

    def __init__(self, *args, lecturers, **kwargs):
        """``lecturers``: the users the student may ask (already loaded, in order)."""
        super().__init__(*args, **kwargs)
        self.lecturers = {str(user.uuid): user for user in lecturers}
        self.fields["lecturer"].choices = [("", _("Choose a lecturer"))] + [
            (key, user.get_full_name()) for key, user in self.lecturers.items()
        ]

    def clean_lecturer(self):
        return self.lecturers[self.cleaned_data["lecturer"]]

    def clean_question(self):
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError(_("Write your question."))
        return question


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown; at most 5,000 characters."),
        error_messages={"required": _("Write a message first: an empty message can't be sent.")},
    )


class ThreadFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + FeedbackThread.Status.choices,
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        required=False,
        queryset=Cohort.objects.none(),
        to_field_name="uuid",
        empty_label=_("All"),
    )

    def __init__(self, *args, with_cohorts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_cohorts:
            self.fields["cohort"].queryset = Cohort.objects.order_by("-start_date", "name")
        else:
            del self.fields["cohort"]

    def apply(self, threads):
        if not self.is_valid():
            return threads
        if status := self.cleaned_data.get("status"):
            threads = threads.filter(status=status)
        if cohort := self.cleaned_data.get("cohort"):
            threads = threads.filter(enrolment__cohort=cohort)
        return threads
