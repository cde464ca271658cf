"""Forms for evidence, its competency claims, feedback requests and the public answer page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db.models import Count, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from coachmaster.widgets import FastLabels, FastSelect, TextInput, plain_choices
from cohorts.models import Enrolment

from ..models import (
    ClientEngagement,
    Competency,
    Evidence,
    FeedbackRequest,
    LearningActivity,
    ProficiencyLevel,
)
from ..services.evidence import EXPIRY_DAYS, MAX_QUESTIONS, Claim, default_questions
from ..uploads import allowed_extensions, check_upload

MAX_QUESTION_LENGTH = 500


def framework_of(enrolment: Enrolment):
    version = enrolment.cohort.curriculum_version
    return getattr(version, "framework", None) if version else None


def competencies_of(enrolment: Enrolment):
    """The competencies of the enrolment's framework, in order; found through the cohort's
    curriculum version id, without loading the version and the framework (two queries)."""
    version_id = enrolment.cohort.curriculum_version_id
    if version_id is None:
        return Competency.objects.none()
    return Competency.objects.filter(framework__curriculum_version_id=version_id).in_order()


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.code} {obj.name}"


class CompetencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.code} {obj.name}"


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LearningActivity) -> str:
        return f"{date_format(obj.date, 'SHORT_DATE_FORMAT')} · {obj.title}"


# --- evidence -------------------------------------------------------------------------------


class EvidenceForm(forms.ModelForm):
    """Title, kind, a file or a link, an optional text, and the activities it comes from.

    Answers given through a feedback link keep their kind and text: only the title and the
    activities (and, in the formset, the claims) can change.
    """

    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, image, office document, audio or video."),
    )
    remove_file = forms.BooleanField(label=_("Remove the current file"), required=False)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A link to the evidence elsewhere, e.g. a shared video. Not with a file."),
    )
    activities = ActivityChoiceField(
        label=_("Learning activities"),
        queryset=LearningActivity.objects.none(),
        required=False,
        to_field_name="uuid",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The activities this evidence comes from; most recent first."),
    )

    class Meta:
        model = Evidence
        fields = ["title", "kind", "upload", "remove_file", "url", "text", "activities"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "text": _("Markdown. A reflection, an observation report or a note with the file."),
        }

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["activities"].queryset = LearningActivity.objects.filter(
            enrolment=enrolment
        ).order_by("-date", "-created_at")
        if self.instance.is_answered_feedback:
            for name in ("kind", "upload", "remove_file", "url", "text"):
                del self.fields[name]
        else:
            self.fields["upload"].help_text = _(
                "Accepted: %(types)s; at most %(size)s MB. The type is read from the content."
            ) % {
                "types": ", ".join(sorted(allowed_extensions())),
                "size": settings.EVIDENCE_MAX_UPLOAD_MB,
            }
            if self.instance.file:
                self.fields["upload"].label = _("Replace the file")
                self.fields["upload"].help_text = (
                    _("The current file is %(name)s. A new file is stored next to it.")
                    % {"name": self.instance.original_name}
                    + " "
                    + self.fields["upload"].help_text
                )
            else:
                del self.fields["remove_file"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        self._check_quota(upload.size)
        return check_upload(upload)

    def _check_quota(self, size: int) -> None:
        """One student cannot fill the storage: a quota on the total size and on the number of
        files (OWASP ASVS 12.1.3). A replaced file stays stored, so it still counts."""
        stored = (
            Evidence.objects.filter(enrolment=self.enrolment)
            .exclude(file="")
            .aggregate(files=Count("pk"), total=Sum("size", default=0))
        )
        if stored["files"] >= settings.EVIDENCE_MAX_FILES:
            raise forms.ValidationError(
                _(
                    "You have stored %(count)s files, the most allowed. Remove evidence you no "
                    "longer need, or ask the programme administration."
                )
                % {"count": stored["files"]},
                code="too_many_files",
            )
        if stored["total"] + size > settings.EVIDENCE_QUOTA_MB * 1024 * 1024:
            raise forms.ValidationError(
                _(
                    "This file does not fit in your storage of %(quota)s MB (%(used)s MB used). "
                    "Remove evidence you no longer need, or ask the programme administration."
                )
                % {
                    "quota": settings.EVIDENCE_QUOTA_MB,
                    "used": round(stored["total"] / (1024 * 1024)),
                },
                code="quota",
            )

    def clean(self):
        data = super().clean()
        if self.instance.is_answered_feedback:
            return data
        checked = data.get("upload")
        has_file = bool(checked) or bool(self.instance.file and not data.get("remove_file"))
        url = data.get("url")
        if "upload" in self.errors:
            return data
        if has_file and url:
            self.add_error("url", _("Give a file or a link, not both."))
        elif not (has_file or url or (data.get("text") or "").strip()):
            raise forms.ValidationError(_("Add a file, a link or a text."))
        kind = data.get("kind")
        if kind == Evidence.Kind.LINK and not url:
            self.add_error("url", _("Evidence of the kind “link” needs a link."))
        elif kind in (Evidence.Kind.DOCUMENT, Evidence.Kind.RECORDING) and not (has_file or url):
            self.add_error("upload", _("A document or recording needs a file or a link."))
        return data


class ClaimForm(forms.Form):
    competency = CompetencyChoiceField(
        label=_("Competency"), queryset=Competency.objects.none(), to_field_name="uuid"
    )
    level = forms.ModelChoiceField(
        label=_("Claimed level"), queryset=ProficiencyLevel.objects.none(), to_field_name="rank"
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Why this evidence shows this level."),
    )

    def __init__(self, *args, competencies, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies
        self.fields["level"].queryset = levels


class BaseClaimFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        count = 0
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            competency = form.cleaned_data["competency"]
            if competency.pk in seen:
                form.add_error(
                    "competency",
                    _("%(code)s is claimed twice.") % {"code": competency.code},
                )
            seen.add(competency.pk)
            count += 1
        if not count:
            raise forms.ValidationError(_("Claim at least one competency."))

    def claims(self) -> list[Claim]:
        return [
            Claim(
                competency=form.cleaned_data["competency"],
                level=form.cleaned_data["level"],
                justification=form.cleaned_data["justification"],
            )
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


# Empty rows are ignored; ``BaseClaimFormSet.clean`` asks for at least one claim.
ClaimFormSet = forms.formset_factory(
    ClaimForm, formset=BaseClaimFormSet, extra=3, can_delete=True, max_num=50
)


def claim_formset(data, *, enrolment: Enrolment, evidence: Evidence | None = None):
    framework = framework_of(enrolment)
    levels = framework.levels.all() if framework else ProficiencyLevel.objects.none()
    initial = None
    if evidence is not None and evidence.pk:
        initial = [
            {
                "competency": claim.competency,
                "level": claim.level,
                "justification": claim.justification,
            }
            for claim in evidence.claims.select_related("competency", "level")
        ]
    return ClaimFormSet(
        data,
        initial=initial,
        prefix="claims",
        form_kwargs={"competencies": competencies_of(enrolment), "levels": levels},
    )


class EvidenceFilterForm(FastLabels, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Title, text or file name"),
        widget=TextInput,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All"))] + Evidence.Kind.choices,
        widget=FastSelect,
    )
    competency = CompetencyChoiceField(
        label=_("Competency"),
        required=False,
        queryset=Competency.objects.none(),
        to_field_name="uuid",
        empty_label=_("All"),
        widget=FastSelect,
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies_of(enrolment)
        plain_choices(self, "competency")

    def apply(self, evidence):
        if not self.is_valid():
            return evidence
        data = self.cleaned_data
        if query := data.get("q", "").strip():
            evidence = evidence.search(query)
        if data.get("kind"):
            evidence = evidence.filter(kind=data["kind"])
        if data.get("competency"):
            evidence = evidence.linked_to(data["competency"])
        return evidence


# --- feedback requests ----------------------------------------------------------------------


class FeedbackRequestForm(forms.Form):
    recipient_label = forms.CharField(
        label=_("Who do you ask?"),
        max_length=120,
        help_text=_(
            "A role or pseudonym, e.g. “coachee C-07” or “sponsor, HR”; never a name. "
            "Only you and your lecturers see it."
        ),
    )
    relation = forms.ChoiceField(
        label=_("Their relation to you"), choices=FeedbackRequest.Relation.choices
    )
    engagement = forms.ModelChoiceField(
        label=_("Client engagement"),
        queryset=ClientEngagement.objects.none(),
        required=False,
        to_field_name="uuid",
        help_text=_("Optional: the assignment the feedback is about."),
    )
    competencies = CompetencyMultipleChoiceField(
        label=_("Competencies"),
        queryset=Competency.objects.none(),
        required=False,
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )
    questions = forms.CharField(
        label=_("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    expires_in_days = forms.IntegerField(
        label=_("Link valid for (days)"),
        min_value=EXPIRY_DAYS[0],
        max_value=EXPIRY_DAYS[1],
        initial=14,
    )
    email = forms.EmailField(
        label=_("Send the link to this e-mail address (optional)"),
        required=False,
        help_text=_(
            "Used once to send the link and not stored. You can also copy the link yourself."
        ),
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = ClientEngagement.objects.filter(enrolment=enrolment)
        self.fields["competencies"].queryset = competencies_of(enrolment)
        self.fields["questions"].initial = default_questions()
        self.fields["questions"].help_text = _(
            "One question per line, at most %(count)s. Leave the suggested questions as they "
            "are to ask them about the competencies you chose."
        ) % {"count": MAX_QUESTIONS}

    def clean_questions(self):
        text = self.cleaned_data["questions"]
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_QUESTIONS:
            raise forms.ValidationError(
                _("Ask at most %(count)s questions, one per line.") % {"count": MAX_QUESTIONS}
            )
        if any(len(line) > MAX_QUESTION_LENGTH for line in lines):
            raise forms.ValidationError(
                _("Keep each question under %(count)s characters.")
                % {"count": MAX_QUESTION_LENGTH}
            )
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        questions = data.get("questions")
        if questions is not None and (
            not questions or questions == "\n".join(default_questions().splitlines())
        ):
            # Untouched or empty: the suggested questions, about the chosen competencies.
            data["questions"] = default_questions(list(data.get("competencies") or []))
        return data


class FeedbackAnswerForm(forms.Form):
    """One answer per question, and optionally the respondent's role."""

    respondent_role = forms.CharField(
        label=_("Your role (optional)"),
        required=False,
        max_length=120,
        help_text=_("For example coachee, sponsor or team member. No need to give your name."),
    )

    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        # The role last, after the answers.
        self.order_fields([f"answer_{index}" for index in range(len(questions))])

    def clean(self):
        data = super().clean()
        if not any(
            (data.get(f"answer_{index}") or "").strip() for index in range(len(self.questions))
        ):
            raise forms.ValidationError(_("Answer at least one question."))
        return data

    def answers(self) -> list[str]:
        return [
            self.cleaned_data.get(f"answer_{index}", "") for index in range(len(self.questions))
        ]
