"""The declared answers of the permission matrix, one module per area.

Each module has a ``TABLE``: one line per URL and method, the URL's name (the module's
``NAMESPACE`` is put in front) or, for a pattern without a name, its full route; then the
method, then the answer of each role in the order of ``matrix_world.ROLES``, or one of the
``PRESETS`` below. Answers:

    200, 400, 403, 404, 405, 301, 302 …  that status (302/301: a redirect *not* to the login
                                         or MFA pages; a failure shows where it went)
    L                                    a redirect to the login page
    M                                    a redirect to the MFA pages (staff without MFA)

Adding a URL is adding its line(s). Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ..matrix_world import ROLES

MODULES = (
    "project",
    "accounts",
    "allauth",
    "curriculum",
    "cohorts",
    "competencies",
    "thesis",
    "reports",
    "privacy",
    "audit",
    "admin",
)
METHODS = ("GET", "POST")
TOKENS = {"L", "M"}


def _row(*tokens: str) -> tuple[str, ...]:
    assert len(tokens) == len(ROLES)
    return tokens


# Rows that many URLs share. Each URL still gets its own line per method.
PRESETS = {
    # Django's admin: programme administrators only; others are sent to the admin login.
    "ADMIN_ONLY": _row(*["302"] * 11, "200", "M"),
    # Admin pages the programme-admin permissions do not cover (Django's own auth models …).
    "ADMIN_NOBODY": _row(*["302"] * 11, "403", "M"),
    # A redirect for everyone (the admin's "object_id/" shortcut to the change page).
    "REDIRECT_ALL": _row(*["302"] * 12, "M"),
    # POST to a view that only answers GET, checked before login (require_safe outermost).
    "NO_POST": _row(*["405"] * 12, "M"),
    # POST to a view that only answers GET, checked after login.
    "GET_ONLY": _row("L", *["405"] * 11, "M"),
}


@dataclass(frozen=True)
class Expectation:
    key: str  # url name with namespace, or the route of a pattern without a name
    method: str
    answers: tuple[str, ...]
    source: str  # module and line, for failure messages


def _parse(module_name: str) -> list[Expectation]:
    module = importlib.import_module(f"{__name__}.{module_name}")
    namespace = getattr(module, "NAMESPACE", "")
    found = []
    for number, line in enumerate(module.TABLE.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, method, *tokens = line.split()
        source = f"expectations/{module_name}.py TABLE line {number}"
        assert method in METHODS, f"{source}: unknown method {method!r}"
        if len(tokens) == 1 and tokens[0] in PRESETS:
            tokens = list(PRESETS[tokens[0]])
        assert len(tokens) == len(ROLES), (
            f"{source}: {len(tokens)} answers for {len(ROLES)} roles: {line!r}"
        )
        for token in tokens:
            assert token in TOKENS or token.isdigit(), f"{source}: unknown answer {token!r}"
        key = name if "/" in name or not namespace else f"{namespace}:{name}"
        found.append(Expectation(key, method, tuple(tokens), source))
    return found


def load() -> list[Expectation]:
    expectations = [e for module in MODULES for e in _parse(module)]
    seen = set()
    for expectation in expectations:
        pair = (expectation.key, expectation.method)
        assert pair not in seen, f"{expectation.source}: {pair} is declared twice"
        seen.add(pair)
    return expectations
