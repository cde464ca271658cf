"""The one place that decides who may reach what.

Views never test roles themselves: they use the decorators and helpers here, so the rules can
be read, tested and changed in one file. Pages for a role answer 403 to people without it;
objects a person may not see answer 404 (later issues add their ``get_*_for`` helpers here
or in their own app's ``access`` module, always scoped by the acting user).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .models import Role

ACTIVE_ROLE_SESSION_KEY = "coachmaster_active_role"

DASHBOARD_URL_NAMES: dict[str, str] = {
    Role.STUDENT: "student_dashboard",
    Role.LECTURER: "lecturer_dashboard",
    Role.SUPERVISOR: "supervisor_dashboard",
    Role.PROGRAMME_ADMIN: "admin_dashboard",
}


def active_role(request: HttpRequest) -> str | None:
    """The role the person is acting in now: the one chosen in this session, else their first."""
    user = request.user
    if not user.is_authenticated:
        return None
    chosen = request.session.get(ACTIVE_ROLE_SESSION_KEY)
    if chosen and user.has_role(chosen):
        return chosen
    roles = user.roles
    return roles[0] if roles else None


def choose_role(request: HttpRequest, role: str) -> None:
    """Make ``role`` the active one; refuses roles the person does not hold."""
    if role not in Role.values or not request.user.has_role(role):
        raise PermissionDenied
    request.session[ACTIVE_ROLE_SESSION_KEY] = role


def dashboard_url(role: str) -> str:
    return reverse(DASHBOARD_URL_NAMES[role])


def can_use_admin_site(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def role_required(role: str) -> Callable:
    """Decorate a view so only logged-in people holding ``role`` reach it (others get 403).

    Reaching a role's page also makes that role the active one, so the navigation follows.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_role(role):
                raise PermissionDenied
            if request.session.get(ACTIVE_ROLE_SESSION_KEY) != role:
                request.session[ACTIVE_ROLE_SESSION_KEY] = role
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
