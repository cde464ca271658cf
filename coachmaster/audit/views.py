"""The administrators' audit page: who changed which grade, decision, status or role, when,
and from which page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role

from . import trail
from .forms import AuditFilterForm

EVENTS_PER_PAGE = 50


@require_safe
@role_required(Role.PROGRAMME_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    recorded = trail.is_recorded()
    page = rows = None
    if recorded and (not form.is_bound or form.is_valid()):
        events = trail.events(**form.filters())
        page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
        rows = trail.describe(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "recorded": recorded,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.htmx:
        return render(request, "audit/log.html#results", context, status=status)
    return render(request, "audit/log.html", context, status=status)
