"""The forms that two people can have open on the same record at once, and how to reach them:
shared by the stale-form tests (any database) and the two-thread tests (PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from curriculum.models import Module
from tests.factories import ProgrammeAdminFactory, make_programme
from tests.thesis.helpers import make_project
from thesis import services as thesis_services


@dataclass
class Case:
    """Two people (``first``, ``second``) editing ``obj`` at ``url``; ``field`` is what they
    change, each to their own value."""

    obj: Any
    url: str
    first: Any
    second: Any
    field: str

    def stored(self):
        return getattr(type(self.obj).objects.get(pk=self.obj.pk), self.field)


def module_case(world) -> Case:
    module = Module.objects.filter(period__year__version=make_programme(name="2027")).first()
    url = reverse("curriculum:module_edit", args=[module.uuid])
    return Case(module, url, world["programme_admin"], ProgrammeAdminFactory(), "title_en")


def _framework(world):
    return make_programme(name="2027").framework


def competency_case(world) -> Case:
    competency = _framework(world).competencies.first()
    url = reverse("competencies:competency_edit", args=[competency.uuid])
    return Case(competency, url, world["programme_admin"], ProgrammeAdminFactory(), "name_en")


def level_case(world) -> Case:
    framework = _framework(world)
    level = framework.levels.get(rank=2)
    url = reverse("competencies:level_edit", args=[framework.uuid, level.rank])
    return Case(level, url, world["programme_admin"], ProgrammeAdminFactory(), "name_en")


def profile_case(world) -> Case:
    framework = _framework(world)
    profile = framework.profiles.get(code="individual")
    url = reverse("competencies:profile_edit", args=[framework.uuid, profile.code])
    return Case(profile, url, world["programme_admin"], ProgrammeAdminFactory(), "name_en")


def project_case(world) -> Case:
    student, supervisor = world["student"], world["supervisor"]
    project = make_project(student.enrolments.get(), supervisor=supervisor)
    url = reverse("thesis:project_edit", args=[project.uuid])
    return Case(project, url, student, supervisor, "working_title")


def meeting_case(world) -> Case:
    student, supervisor = world["student"], world["supervisor"]
    project = make_project(student.enrolments.get(), supervisor=supervisor)
    meeting = thesis_services.log_meeting(
        project=project,
        date=timezone.localdate(),
        notes="Eerste afspraken.",
        actions=[],
        by=supervisor,
    )
    url = reverse("thesis:meeting", args=[meeting.uuid])
    return Case(meeting, url, student, supervisor, "notes")


CASES = {
    "module": module_case,
    "competency": competency_case,
    "level": level_case,
    "profile": profile_case,
    "project": project_case,
    "meeting": meeting_case,
}


def form_data(form) -> dict:
    """What the browser posts for ``form`` as it was rendered (a bound form: as it was sent)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(item) for item in value]
        else:
            data[form.add_prefix(name)] = str(value)
    return data


def opened(client, case: Case, user) -> dict:
    """``user`` opens the form: the data it would post unchanged."""
    client.force_login(user)
    response = client.get(case.url)
    assert response.status_code == 200
    return form_data(response.context["form"])
