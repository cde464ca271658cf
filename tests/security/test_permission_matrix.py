"""Every URL of the project, every role, every method: the answer each gets.

The URL patterns are read from Django's resolver (the project's apps, allauth, Django's admin),
so a new URL without a declared expectation fails ``test_every_url_has_an_expectation``; an
expectation for a URL that is gone fails it too. The declared answers live in
``tests/security/expectations/`` (one table per area); the people and objects in
``matrix_world``. The world is built once for the module; each request runs in a transaction
that is rolled back, so every role meets the same data (an empty POST that would delete
something deletes it only for that request).

Staff other than ``no_mfa`` hold a TOTP authenticator, and ``MFA_REQUIRED_FOR_STAFF`` is on:
``no_mfa`` must be sent to set MFA up before anything else.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import expectations as declared
from .matrix_world import CO_EXAMINER_SECRET, ROLES, STUDENT_SECRET

pytestmark = pytest.mark.django_db

EXPECTATIONS = declared.load()
REDIRECTS = {301, 302, 303, 307, 308}
# Who must never read the co-examiner's words, or the student's private records.
SECRETS = {
    "examiner_before": CO_EXAMINER_SECRET,
    "examiner_after": CO_EXAMINER_SECRET,
    "anonymous": STUDENT_SECRET,
    "other_student": STUDENT_SECRET,
    "other_lecturer": STUDENT_SECRET,
    "other_supervisor": STUDENT_SECRET,
}


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the full route when the pattern has no name
    name: str | None
    parts: tuple[str, ...]  # each level's pattern, for patterns without a name
    arguments: tuple[str, ...]


def _arguments(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def _walk(patterns, parts=(), namespace=None, arguments=()):
    for pattern in patterns:
        here = (*parts, str(pattern.pattern))
        names = (*arguments, *_arguments(pattern))
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, here, space, names)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = "".join(here)
            yield Route(key, pattern.name and key, here, tuple(dict.fromkeys(names)))


def routes() -> dict[str, Route]:
    found: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        # Several patterns may share a name (reverse picks the last); one row covers them.
        found.setdefault(route.key, route)
    return found


def _path(route: Route, arguments: dict) -> str:
    if route.name:
        return reverse(route.name, kwargs=arguments)
    path = ""
    for part in route.parts:
        part = part.lstrip("^").rstrip("$")
        part = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(arguments[m.group(1)]), part)
        part = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(arguments[m.group(1)]), part)
        path += part
    return "/" + path


def answer_of(response) -> str:
    if response.status_code in REDIRECTS:
        location = urlsplit(response["Location"]).path
        if location.startswith(reverse("account_login")):
            return "L"
        if location.startswith(reverse("mfa_index")):
            return "M"
    return str(response.status_code)


def _shown(response, got: str) -> str:
    if got.isdigit() and int(got) in REDIRECTS:
        return f"{got} → {response['Location']}"
    return got


def request_as(world, role: str, method: str, path: str) -> tuple[str, str]:
    """The answer a role gets, and what to show when it's not the expected one."""
    client = world.client(role)
    cache.clear()  # rate limits of allauth's forms must not depend on the order of requests
    with transaction.atomic():
        try:
            response = getattr(client, method.lower())(path)
        except Exception as error:  # noqa: BLE001 - every crash is a finding, shown in the table
            transaction.set_rollback(True)
            return "raised", f"raised {type(error).__name__}: {error}"[:300]
        transaction.set_rollback(True)
    got = answer_of(response)
    shown = _shown(response, got)
    secret = SECRETS.get(role)
    if (
        secret
        and response.status_code == 200
        and not response.streaming
        and secret.encode() in response.content
    ):
        got, shown = "leak", f"{shown}, but the page shows {secret!r}"
    # Close streamed files as a WSGI server would, but without request_finished's
    # close_old_connections (as Django's test client does): inside the module's transaction
    # it would close the database connection under the world.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return got, shown


def test_every_url_has_an_expectation():
    """Fails for a URL without a declared row, and for a row whose URL is gone."""
    known = routes()
    declared_keys = {e.key for e in EXPECTATIONS}
    missing = sorted(set(known) - declared_keys)
    stale = sorted(declared_keys - set(known))
    hints = [f"  {key:<37} GET  {' '.join('?' for _ in ROLES)}" for key in missing]
    assert not missing and not stale, (
        f"{len(missing)} URL(s) without an expectation (add lines to a table in "
        "tests/security/expectations/):\n" + "\n".join(hints) + f"\nrows of unknown URLs: {stale}"
    )


def _by_area() -> dict[str, list]:
    areas = defaultdict(list)
    for expectation in EXPECTATIONS:
        if "/" in expectation.key:  # a pattern without a name: its route
            area = "admin" if expectation.key.startswith("admin/") else "unnamed"
        else:
            area = expectation.key.split(":", 1)[0] if ":" in expectation.key else "project"
        areas[area].append(expectation)
    return areas


AREAS = _by_area()


@pytest.mark.parametrize("area", sorted(AREAS))
def test_each_role_gets_the_declared_answer(area, matrix_world, mfa_required, subtests):
    world = matrix_world
    """One subtest per URL; a failing one lists every wrong (role, method) of that URL."""
    known = routes()
    for expectation in AREAS[area]:
        route = known.get(expectation.key)
        if route is None:
            continue  # reported by test_every_url_has_an_expectation
        with subtests.test(url=expectation.key, method=expectation.method):
            wrong = []
            for role, expected in zip(ROLES, expectation.answers, strict=True):
                path = _path(route, world.arguments(route.key, list(route.arguments), role))
                got, shown = request_as(world, role, expectation.method, path)
                if got != expected:
                    wrong.append(
                        f"  {expectation.key:<40} {role:<16} {expectation.method:<5} "
                        f"expected {expected:<4} got {shown}   ({path})"
                    )
            assert not wrong, f"{expectation.source}:\n" + "\n".join(wrong)
