"""Hypothesis against every form of the project, directly and through the real views.

1. Every form class defined in a ``forms`` module of the project's apps, built with real
   constructor arguments from the matrix world, gets hostile data for each of its fields:
   ``is_valid()`` never raises, an invalid form has at least one non-empty error message, and
   the form with its errors renders.
2. Every form a page offers for POST (found by opening each page as each role allowed to,
   reading its ``<form method="post">`` fields) gets hostile values POSTed by that role: no
   server error, no exception; a submission that is shown again carries an error message and
   wrote nothing (row counts of every project model unchanged).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachmaster.accounts.models import User
from coachmaster.privacy.models import RetentionRule
from cohorts.models import Cohort, Group
from competencies.models import Evidence, Indicator, Profile
from competencies.services import examiners as examiner_services
from thesis.models import ResearchApproach

from . import expectations as declared
from . import fuzz_strategies as fuzz
from .matrix_world import ROLES

pytestmark = pytest.mark.django_db

FORM_PACKAGES = (
    "coachmaster.accounts",
    "coachmaster.reports",
    "coachmaster.privacy",
    "coachmaster.audit",
    "curriculum",
    "cohorts",
    "competencies",
    "thesis",
)
PROJECT_APPS = ("accounts", "curriculum", "cohorts", "competencies", "thesis", "reports")
FORM_EXAMPLES = 25
VIEW_EXAMPLES = 6
ERROR_MARKERS = (
    b"error-text",
    b"field-error",
    b"errorlist",
    b"message-error",
    b"message-warning",
    b'aria-invalid="true"',
)
# Views that answer a valid submission with 200 instead of a redirect: the examiner's autosave
# (any input is a valid draft) and a feedback link's answer (its thank-you page: the link is
# used up, so there is no page to redirect to).
SAVES_WITHOUT_REDIRECT = {"competencies:assessment_autosave", "competencies:feedback_answer"}
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for package in FORM_PACKAGES:
        try:
            module = importlib.import_module(f"{package}.forms")
        except ModuleNotFoundError:
            continue
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{module.__name__}.{info.name}")
                for info in pkgutil.iter_modules(module.__path__)
            ]
        for each in modules:
            for _name, value in vars(each).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == each.__name__
                ):
                    found.append(value)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = form_classes()


def _arguments_for(world) -> dict[str, object]:
    """Constructor arguments by parameter name, from the world."""
    objects = world.objects
    enrolment, cohort = objects["enrolment"], objects["cohort"]
    version = cohort.curriculum_version
    framework = version.framework
    staff = User.objects.filter(is_lecturer=True)
    people = [(str(user.pk), str(user)) for user in staff[:5]]
    return {
        "version": version,
        "programme": version.programme,
        "cohort": cohort,
        "group": Group.objects.filter(cohort=cohort).first(),
        "enrolment": enrolment,
        "framework": framework,
        "competencies": list(framework.competencies.all()),
        "levels": list(framework.levels.all()),
        "indicators": list(Indicator.objects.filter(competency__framework=framework)),
        "grade_required": True,
        "evidence": list(Evidence.objects.filter(enrolment=enrolment)),
        "user": world.people["lecturer"],
        "lecturers": staff,
        "questions": ["Wat hielp?", "Wat kan beter?"],
        "headers": ["Studentnummer", "Naam", "E-mail"],
        "initial_columns": {},
        "eligible": staff,
        "current": {},
        "cohorts": Cohort.objects.all(),
        "supervisors": User.objects.filter(is_supervisor=True),
        "approaches": ResearchApproach.objects.all(),
        "supervisor_choices": people,
        "reader_choices": people,
        "has_project": True,
        "owners": [enrolment.student, world.people["supervisor"]],
        "current_ids": (),
        "with_cohorts": True,
        "optional": True,
    }


# Arguments that mean something different to one form (a callable gets the world).
FORM_ARGUMENTS = {
    # Only ever edits an existing rule.
    "RetentionRuleForm": {"instance": lambda world: RetentionRule.objects.order_by("pk").first()},
    "ClaimForm": {
        "competencies": lambda world: _framework(world).competencies.all(),
        "levels": lambda world: _framework(world).levels.all(),
    },
    "AssignExaminersForm": {
        "eligible": lambda world: examiner_services.eligible_examiners(world.objects["assessment"])
    },
    # A new profile of the framework, as the "new profile" page makes it.
    "ProfileForm": {"instance": lambda world: Profile(framework=_framework(world), position=9)},
    "ImportMappingForm": {
        "fields": [("student_number", "Student number", True), ("email", "E-mail", True)]
    },
    "ImportRowForm": {"fields": [("student_number", "Student number"), ("email", "E-mail")]},
}


def _framework(world):
    return world.objects["cohort"].curriculum_version.framework


# Forms that need a request or other machinery the fuzzer does not build, and why.
UNREACHABLE: dict[str, str] = {}


def _constructor_kwargs(form_class, world) -> dict[str, object] | str:
    special = {
        name: value(world) if callable(value) else value
        for name, value in FORM_ARGUMENTS.get(form_class.__name__, {}).items()
    }
    available = {**_arguments_for(world), **special}
    kwargs = {}
    for klass in form_class.__mro__:
        if klass in (forms.Form, forms.ModelForm, forms.BaseForm, forms.BaseModelForm, object):
            break
        if "__init__" not in vars(klass):
            continue
        for name, parameter in inspect.signature(klass.__init__).parameters.items():
            variadic = (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            if name == "self" or parameter.kind in variadic:
                continue
            if name in available:
                kwargs.setdefault(name, available[name])
            elif parameter.default is parameter.empty:
                return f"no value for the constructor argument {name!r}"
    for name in special:
        kwargs.setdefault(name, special[name])
    return kwargs


def _data(fields: dict, values: dict) -> tuple[MultiValueDict, MultiValueDict]:
    data, files = MultiValueDict(), MultiValueDict()
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(fields[name], forms.FileField):
            files.setlist(name, [value])
        else:
            data.setlist(name, value if isinstance(value, list) else [value])
    return data, files


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_hostile_input_never_breaks_a_form(form_class, matrix_world):
    if form_class.__name__ in UNREACHABLE:
        pytest.skip(UNREACHABLE[form_class.__name__])
    kwargs = _constructor_kwargs(form_class, matrix_world)
    assert not isinstance(kwargs, str), f"{form_class.__name__}: {kwargs}"
    fields = form_class(**kwargs).fields
    values = st.fixed_dictionaries(
        {name: st.one_of(st.none(), fuzz.for_field(each)) for name, each in fields.items()}
    )

    @settings(max_examples=FORM_EXAMPLES, deadline=None, suppress_health_check=HEALTH)
    @given(values=values)
    def check(values):
        data, files = _data(fields, values)
        with transaction.atomic():
            form = form_class(data=data, files=files, **kwargs)
            if not form.is_valid():
                messages = [m for errors in form.errors.values() for m in errors]
                assert messages, f"{form_class.__name__} is invalid without a message"
                assert all(str(m).strip() for m in messages), messages
                form.as_div()
            transaction.set_rollback(True)

    check()


# --- through the views ---------------------------------------------------------------------


@dataclass
class HtmlForm:
    action: str
    fields: list[tuple[str, str, list[str], str]] = field(default_factory=list)
    # (name, input type or "select"/"textarea", options, value on the page)


class _FormParser(HTMLParser):
    """The POST forms of a page; a form that also posts elsewhere (``hx-post``, a button's
    ``formaction``) counts once per address."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._also: list[str] = []
        self._select: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "get").lower() == "post" or "hx-post" in attrs
            self._form = HtmlForm(action=attrs.get("action") or self.page) if post else None
            self._also = [attrs["hx-post"]] if post and attrs.get("hx-post") else []
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if attrs.get("formaction"):
            self._also.append(attrs["formaction"])
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (attrs.get("type") or "text").lower()
            if kind not in ("submit", "button", "reset", "image"):
                self._form.fields.append((name, kind, [], attrs.get("value") or ""))
        elif tag == "button" and name:
            self._form.fields.append((name, "hidden", [], attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._form.fields.append((name, "textarea", [], ""))
        elif tag == "select" and name:
            self._select = []
            self._form.fields.append((name, "select", self._select, ""))
        elif tag == "option" and self._select is not None:
            self._select.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self.forms += [HtmlForm(action, list(self._form.fields)) for action in self._also]
            self._form = None
        elif tag == "select":
            self._select = None


# Roles whose pages are opened to find forms, most specific first.
CRAWL_ROLES = (
    "student",
    "examiner_before",
    "examiner_after",
    "supervisor",
    "reader",
    "ethics_reviewer",
    "lecturer",
    "admin",
    "anonymous",
)


def _pages() -> list[tuple[str, str]]:
    """(url key, role) of every page a role may open with GET, Django's admin left out."""
    pages = []
    for expectation in declared.load():
        if expectation.method != "GET" or expectation.key.startswith("admin"):
            continue
        answers = dict(zip(ROLES, expectation.answers, strict=True))
        pages += [(expectation.key, role) for role in CRAWL_ROLES if answers[role] == "200"]
    return pages


def _view_key(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name or match.route


@pytest.fixture(scope="module")
def posted_forms(matrix_world, django_db_blocker):
    """Every POST form found on the pages, one per view and role: {(view, role): form}."""
    from .test_permission_matrix import _path, routes

    world = matrix_world
    known = routes()
    found: dict[tuple[str, str], HtmlForm] = {}
    with django_db_blocker.unblock():
        for key, role in _pages():
            route = known.get(key)
            if route is None:
                continue
            path = _path(route, world.arguments(key, list(route.arguments), role))
            cache.clear()
            with transaction.atomic():
                response = world.client(role).get(path)
                transaction.set_rollback(True)
            if response.status_code != 200 or response.streaming:
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = _FormParser(path)
            parser.feed(response.content.decode())
            for html_form in parser.forms:
                view = _view_key(html_form.action)
                if view and not view.startswith("admin"):
                    found.setdefault((view, role), html_form)
    return found


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


def _post_values(html_form: HtmlForm) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.none(), fuzz.for_input(kind, options, value))
            for name, kind, options, value in html_form.fields
        }
    )


def test_every_posted_form_was_found(posted_forms):
    """The crawl finds the forms; a drop would silently shrink the fuzzing."""
    assert len({view for view, _role in posted_forms}) >= 40, sorted(posted_forms)


def _fuzz_view(world, view: str, role: str, html_form: HtmlForm) -> None:
    @settings(max_examples=VIEW_EXAMPLES, deadline=None, suppress_health_check=HEALTH)
    @given(values=_post_values(html_form))
    def check(values):
        data = {name: value for name, value in values.items() if value is not None}
        cache.clear()
        with transaction.atomic():
            before = _row_counts()
            response = world.client(role).post(html_form.action, data)
            after = _row_counts()
            transaction.set_rollback(True)
        assert response.status_code < 500, (view, role, response.status_code)
        if response.status_code in (200, 400, 409, 422) and view not in SAVES_WITHOUT_REDIRECT:
            body = b"" if response.streaming else response.content
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            assert not changed, f"{view} as {role}: shown again but wrote {changed}"
            assert any(marker in body for marker in ERROR_MARKERS) or (
                response.status_code != 200 and body.strip()
            ), f"{view} as {role}: shown again ({response.status_code}) without a message"

    check()


def test_hostile_posts_never_break_a_view(posted_forms, matrix_world, subtests):
    for (view, role), html_form in sorted(posted_forms.items()):
        with subtests.test(view=view, role=role):
            _fuzz_view(matrix_world, view, role, html_form)
