"""Optimistic locking: a form saved after someone else saved the same record is refused with
a clear message, the stored row is untouched, and what the person typed is kept. (The
reconciliation proposal has its own tests in tests/competencies/test_reconciliation_*.)"""

from __future__ import annotations

import pytest
from django.utils.html import escape
from django.utils.translation import gettext

from curriculum.locking import EditConflict, conflict_message, save_if_unchanged
from curriculum.models import Module
from tests.factories import make_programme

from .locking_cases import CASES, form_data, opened


@pytest.mark.parametrize("kind", list(CASES))
def test_a_stale_form_is_refused_with_the_typing_kept_and_the_row_untouched(
    client, world, version, kind
):
    case = CASES[kind](world)
    first = opened(client, case, case.first)
    second = opened(client, case, case.second)
    second[case.field] = "Van de tweede"
    assert client.post(case.url, second).status_code == 302

    client.force_login(case.first)
    first[case.field] = "Van de eerste"
    response = client.post(case.url, first)

    assert response.status_code == 409
    html = response.content.decode()
    message = conflict_message(case.obj._meta.verbose_name)
    assert escape(message) in html
    assert "Van de eerste" in html  # what they typed is still in the form
    assert escape(gettext("Someone else saved: “%(value)s”.") % {"value": "Van de tweede"}) in html
    assert case.stored() == "Van de tweede"

    # Saving again, now knowingly over the other person's version, is allowed.
    again = form_data(response.context["form"])
    assert int(again["version"]) == type(case.obj).objects.get(pk=case.obj.pk).version
    assert client.post(case.url, again).status_code == 302
    assert case.stored() == "Van de eerste"


@pytest.mark.parametrize("kind", list(CASES))
def test_the_form_carries_the_version_it_was_opened_with(client, world, version, kind):
    case = CASES[kind](world)
    data = opened(client, case, case.first)
    assert data["version"] == str(type(case.obj).objects.get(pk=case.obj.pk).version)


def test_each_save_moves_the_version_on(db):
    module = Module.objects.filter(period__year__version=make_programme()).first()
    module.title_en = "One"
    save_if_unchanged(module, version=module.version)
    assert module.version == 2
    module.refresh_from_db()
    assert (module.title_en, module.version) == ("One", 2)


def test_a_save_from_an_older_version_writes_nothing(db):
    module = Module.objects.filter(period__year__version=make_programme()).first()
    save_if_unchanged(module, version=1)
    module.title_en = "Too late"
    with pytest.raises(EditConflict) as caught:
        save_if_unchanged(module, version=1)
    assert caught.value.code == "stale"
    module.refresh_from_db()
    assert module.title_en != "Too late"
    assert module.version == 2


def test_a_request_without_the_version_is_saved_as_before(client, world):
    case = CASES["module"](world)
    data = opened(client, case, case.first)
    del data["version"]
    data[case.field] = "Zonder versie"
    assert client.post(case.url, data).status_code == 302
    assert case.stored() == "Zonder versie"
