"""The personal calendar feed: the page that explains it and manages its secret address, and
the feed itself (no login: the token in the address is the key).

An unknown, revoked or replaced token, or the token of an inactive account, gives 404 — never
403, so the answer tells nothing about whether a token ever existed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .. import services
from ..calendar import build_calendar
from ..models import CalendarFeed


def feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("thesis:calendar_feed", args=[token]))


@require_safe
@never_cache
@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """What the feed contains, its address, how to subscribe, and the buttons to make a new
    address or stop the feed."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "feed": feed,
        "feed_url": feed_url(request, feed.token) if feed else "",
    }
    return render(request, "thesis/calendar.html", context)


@require_POST
@login_required
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.regenerate_calendar_token(user=request.user)
    if had_feed:
        messages.success(
            request,
            _(
                "Your calendar has a new address. The old address no longer works: "
                "subscribe again with the new one."
            ),
        )
    else:
        messages.success(request, _("Your calendar address has been created."))
    return redirect("thesis:calendar")


@require_POST
@login_required
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    services.revoke_calendar_token(user=request.user)
    messages.success(
        request, _("Your calendar feed has been stopped: its address no longer works.")
    )
    return redirect("thesis:calendar")


# Calendar apps fetch the feed without a session; its secret token is the access check, so
# the staff MFA requirement (a session concern) doesn't apply either.
@login_not_required
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed of the person whose secret ``token`` this is."""
    found = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    body = build_calendar(found.user, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coachmaster.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["X-Content-Type-Options"] = "nosniff"
    return response
