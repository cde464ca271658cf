"""A student cannot fill the storage: a quota on the number and total size of evidence files."""

import pytest
from django.utils.translation import gettext

from competencies.forms.evidence import EvidenceForm
from competencies.models import Evidence
from tests.competencies.evidence_helpers import PDF, upload

pytestmark = pytest.mark.django_db


def form_with_file(enrolment):
    return EvidenceForm(
        {"title": "Verslag", "kind": Evidence.Kind.DOCUMENT},
        {"upload": upload(PDF)},
        enrolment=enrolment,
    )


def test_a_file_within_the_quota_is_accepted(enrolment, private_storage, settings):
    settings.EVIDENCE_MAX_FILES = 1
    assert form_with_file(enrolment).is_valid()


def test_past_the_number_of_files_the_upload_is_refused(enrolment, private_storage, settings):
    Evidence.objects.create(
        enrolment=enrolment, title="Oud", kind=Evidence.Kind.DOCUMENT, file="x.pdf", size=10
    )
    settings.EVIDENCE_MAX_FILES = 1
    form = form_with_file(enrolment)
    assert not form.is_valid()
    assert form.errors["upload"] == [
        gettext(
            "You have stored %(count)s files, the most allowed. Remove evidence you no "
            "longer need, or ask the programme administration."
        )
        % {"count": 1}
    ]
    assert form.errors.as_data()["upload"][0].code == "too_many_files"


def test_past_the_storage_quota_the_upload_is_refused(enrolment, private_storage, settings):
    Evidence.objects.create(
        enrolment=enrolment,
        title="Groot",
        kind=Evidence.Kind.RECORDING,
        file="big.mp4",
        size=1024 * 1024,
    )
    settings.EVIDENCE_QUOTA_MB = 1
    form = form_with_file(enrolment)
    assert not form.is_valid()
    assert form.errors.as_data()["upload"][0].code == "quota"
    assert Evidence.objects.filter(enrolment=enrolment).count() == 1


def test_another_students_files_do_not_count(enrolment, student2, private_storage, settings):
    other = student2.enrolments.get()
    Evidence.objects.create(
        enrolment=other, title="Van een ander", kind=Evidence.Kind.DOCUMENT, file="o.pdf", size=1
    )
    settings.EVIDENCE_MAX_FILES = 1
    assert form_with_file(enrolment).is_valid()
