"""Portfolio pages: the review moments with their portfolios, a portfolio (edited per
competency with htmx, or plain forms without JavaScript), submitting and withdrawing, and
the frozen snapshots with their files.

Who sees what: ``Portfolio.objects.visible_to`` (another student or unassigned staff: 404).
Only the student writes; assigned staff read (403 on writes).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from coachmaster.messages import error_messages
from curriculum.models import ReviewMoment

from ..access import enrolment_for, is_owner
from ..forms.portfolio import EntryForm, OverallForm
from ..models import (
    Assessment,
    Evidence,
    EvidenceClaim,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
    ProfessionalRole,
    SystemLevel,
)
from ..services import portfolio as services
from ..services import reconciliation
from ..services.feedback import threads_about_portfolio
from ..snapshots import files_of, hash_data, hash_stored_file, present
from ..uploads import file_response

logger = logging.getLogger(__name__)

SNAPSHOTS_PER_PAGE = 25


# --- access -------------------------------------------------------------------------------


def get_portfolio_for(user, portfolio_uuid) -> Portfolio:
    """The portfolio if ``user`` may see it (its student, assigned staff, administrators)."""
    return get_object_or_404(
        Portfolio.objects.visible_to(user).select_related(
            "enrolment__student",
            "enrolment__cohort",
            "review_moment__version__programme",
            "review_moment__version__framework",
            "current_snapshot",
        ),
        uuid=portfolio_uuid,
    )


def get_snapshot_for(user, snapshot_uuid) -> PortfolioSnapshot:
    return get_object_or_404(
        PortfolioSnapshot.objects.visible_to(user).select_related(
            "portfolio__enrolment__student", "portfolio__review_moment", "assessment"
        ),
        uuid=snapshot_uuid,
    )


def _owned(request: HttpRequest, portfolio_uuid) -> Portfolio:
    """For writes: the portfolio (404 if unseen), and 403 unless it is the user's own."""
    portfolio = get_portfolio_for(request.user, portfolio_uuid)
    if not is_owner(request.user, portfolio.enrolment):
        raise PermissionDenied
    return portfolio


# --- the review moments ---------------------------------------------------------------------


@require_safe
@login_required
def portfolio_list(request: HttpRequest, enrolment_uuid=None) -> HttpResponse:
    """The review moments of the student's curriculum, each with its portfolio's status."""
    enrolment = enrolment_for(request, enrolment_uuid)
    statuses = Portfolio.objects.statuses_for(enrolment)
    # The latest released result of each portfolio (assessed, or a draft after "not yet").
    results = {}
    for assessment in (
        Assessment.objects.filter(
            portfolio__enrolment=enrolment, status=Assessment.Status.RELEASED
        )
        .with_effective_result()
        .order_by("snapshot__number")
    ):
        results[assessment.portfolio_id] = assessment
    for status in statuses:
        if status.portfolio is not None:
            status.portfolio.latest_result = results.get(status.portfolio.pk)
    context = {
        "enrolment": enrolment,
        "statuses": statuses,
        "is_owner": is_owner(request.user, enrolment),
    }
    return render(request, "competencies/portfolio/portfolio_list.html", context)


@require_POST
@login_required
def portfolio_start(request: HttpRequest, moment_uuid) -> HttpResponse:
    """Opens (and the first time creates) the student's portfolio for a review moment."""
    enrolment = enrolment_for(request)
    moment = get_object_or_404(
        ReviewMoment.objects.filter(version_id=enrolment.cohort.curriculum_version_id),
        uuid=moment_uuid,
    )
    portfolio = services.start_portfolio(
        enrolment=enrolment, review_moment=moment, by=request.user
    )
    return redirect("competencies:portfolio", portfolio.uuid)


# --- one portfolio --------------------------------------------------------------------------


def _evidence_labeller():
    """A function giving an evidence item's label in the forms (its title and kind, and the
    level it claims), translating the texts once for all the labels of a page."""
    kinds = {value: str(label) for value, label in Evidence.Kind.choices}
    plain = _("%(title)s (%(kind)s)")
    claiming = _("%(title)s (%(kind)s; you claim level %(level)s)")

    def label(item: Evidence, claim: EvidenceClaim | None) -> str:
        kind = kinds.get(item.kind, item.kind)
        if claim is None:
            return plain % {"title": item.title, "kind": kind}
        return claiming % {"title": item.title, "kind": kind, "level": claim.level.rank}

    return label


def _page_context(
    request: HttpRequest,
    portfolio: Portfolio,
    *,
    show_all=None,
    bound: tuple[int, EntryForm] | None = None,
    overall_form: OverallForm | None = None,
) -> dict:
    """Everything the portfolio page shows, in a fixed number of queries.

    ``show_all``: the uuid (text) of the competency whose evidence list shows all the
    student's evidence, not only the evidence claiming it. ``bound``: (entry id, form) of an
    entry that failed to save.
    """
    enrolment = portfolio.enrolment
    framework = portfolio.review_moment.version.framework
    editable = is_owner(request.user, enrolment) and portfolio.is_editable
    levels = list(framework.levels.all())
    levels_by_pk = {level.pk: level for level in levels}
    entries = services.load_page_entries(portfolio)
    coverage = services.evidenced_in(portfolio)
    claims_by_competency: dict[int, list[EvidenceClaim]] = {}
    for claim in (
        EvidenceClaim.objects.filter(
            evidence__enrolment=enrolment,
            competency__in=[entry.competency_id for entry in entries],
        )
        .select_related("evidence", "level")
        .defer("evidence__text")
        .order_by("evidence__title", "evidence_id")
    ):
        claims_by_competency.setdefault(claim.competency_id, []).append(claim)
    all_evidence = None
    if editable and show_all is not None:
        all_evidence = list(Evidence.objects.filter(enrolment=enrolment).order_by("title", "pk"))
    problems = services.completeness_problems(portfolio, entries, coverage=coverage)
    problem_kinds: dict[str, list[services.Problem]] = {}
    for problem in problems:
        problem_kinds.setdefault(problem.anchor, []).append(problem)

    evidence_label = _evidence_labeller()
    level_choices = EntryForm.level_choices(levels)
    rows = []
    for entry in entries:
        competency = entry.competency
        claims = claims_by_competency.get(competency.pk, [])
        selected = list(entry.evidence.all())
        row = {
            "entry": entry,
            "competency": competency,
            "anchor": f"entry-{competency.code}",
            "target": levels_by_pk.get(entry.target_level_id),
            "claims": claims,
            "selected": selected,
            "problems": problem_kinds.get(f"entry-{competency.code}", []),
            "show_all": False,
        }
        if editable:
            claim_of = {claim.evidence_id: claim for claim in claims}
            if all_evidence is not None and str(competency.uuid) == show_all:
                candidates = all_evidence
                row["show_all"] = True
            else:
                candidates = [claim.evidence for claim in claims]
                candidates += [item for item in selected if item.pk not in claim_of]
            labels = {item.pk: evidence_label(item, claim_of.get(item.pk)) for item in candidates}
            if bound is not None and bound[0] == entry.pk:
                row["form"], row["show_all"] = bound[1], True  # it offers all evidence
            else:
                row["form"] = EntryForm(
                    prefix=f"entry{entry.pk}",
                    levels=levels,
                    level_choices=level_choices,
                    evidence=candidates,
                    evidence_labels=labels,
                    initial={
                        "self_level": entry.self_level_id,
                        "argument": entry.argument,
                        "evidence": [str(item.uuid) for item in selected],
                    },
                )
        rows.append(row)

    roles, system_levels = coverage
    required_roles = {entry.competency.role for entry in entries}
    coverage = {
        "roles": [
            (role.label, role in roles)
            for role in services.ROLES_TO_EVIDENCE
            if role in required_roles
        ],
        "system_levels": [(level.label, level in system_levels) for level in SystemLevel],
    }
    snapshots = Paginator(
        reconciliation.with_round_results(portfolio.snapshots, request.user).order_by("-number"),
        SNAPSHOTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    # After "not yet" (a draft again, or the next round submitted): the earlier round's
    # result and feedback per competency.
    earlier = None
    if portfolio.status != Portfolio.Status.ASSESSED and snapshots.paginator.count:
        earlier = reconciliation.earlier_feedback(
            portfolio,
            request.user,
            competencies=[entry.competency for entry in entries],
            levels=levels,
            targets={entry.competency_id: entry.target_level_id for entry in entries},
        )
        for row in rows:
            row["earlier"] = earlier and earlier.for_competency(row["competency"].pk)
    return {
        "portfolio": portfolio,
        "enrolment": enrolment,
        "moment": portfolio.review_moment,
        "due_date": portfolio.review_moment.due_date(enrolment.cohort.start_date),
        "is_owner": is_owner(request.user, enrolment),
        "editable": editable,
        "levels": levels,
        "rows": rows,
        "problems": problems,
        "coverage": coverage,
        "conduct_label": ProfessionalRole.CONDUCT.label,
        "overall_form": overall_form or (OverallForm(instance=portfolio) if editable else None),
        "snapshots": snapshots,
        "earlier": earlier,
        "is_admin": request.user.is_programme_admin or request.user.is_superuser,
        "feedback_threads": threads_about_portfolio(request.user, portfolio),
    }


def _row_for(context: dict, entry: PortfolioEntry) -> dict:
    return next(row for row in context["rows"] if row["entry"].pk == entry.pk)


def _entry_url(portfolio: Portfolio, entry: PortfolioEntry, *, show_all=None) -> str:
    """The portfolio page at the entry's section (showing all evidence there, if asked)."""
    url = reverse("competencies:portfolio", args=[portfolio.uuid])
    query = f"?all={show_all}" if show_all else ""
    return f"{url}{query}#entry-{entry.competency.code}"


@require_safe
@login_required
def portfolio_detail(request: HttpRequest, portfolio_uuid) -> HttpResponse:
    portfolio = get_portfolio_for(request.user, portfolio_uuid)
    context = _page_context(request, portfolio, show_all=request.GET.get("all"))
    return render(request, "competencies/portfolio/portfolio_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def portfolio_entry(request: HttpRequest, portfolio_uuid, competency_uuid) -> HttpResponse:
    """One competency of the portfolio. GET (htmx): the section, with all the student's
    evidence when ``?all=1``; without htmx, the page at that section. POST: saves it."""
    portfolio = get_portfolio_for(request.user, portfolio_uuid)
    entry = get_object_or_404(
        PortfolioEntry.objects.select_related("competency"),
        portfolio=portfolio,
        competency__uuid=competency_uuid,
    )
    if request.method == "GET":
        show_all = str(entry.competency.uuid) if request.GET.get("all") else None
        if not request.htmx:
            return redirect(_entry_url(portfolio, entry, show_all=show_all))
        context = _page_context(request, portfolio, show_all=show_all)
        context["row"] = _row_for(context, entry)
        return render(request, "competencies/portfolio/portfolio_detail.html#entry", context)

    if not is_owner(request.user, portfolio.enrolment):
        raise PermissionDenied
    if not portfolio.is_editable:
        messages.error(
            request, _("This portfolio is submitted: withdraw the submission to change it.")
        )
        return _back_to_page(request, portfolio)
    levels = list(portfolio.review_moment.version.framework.levels.all())
    evidence = list(Evidence.objects.filter(enrolment=portfolio.enrolment))
    evidence_label = _evidence_labeller()
    form = EntryForm(
        request.POST,
        prefix=f"entry{entry.pk}",
        levels=levels,
        evidence=evidence,
        evidence_labels={item.pk: evidence_label(item, None) for item in evidence},
    )
    if form.is_valid():
        try:
            services.save_entry(
                entry=entry,
                self_level=form.cleaned_data["self_level"],
                argument=form.cleaned_data["argument"],
                evidence=form.cleaned_data["evidence"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.is_valid():
        # "Save and show all your evidence" saves too, so nothing typed is lost.
        show_all = str(entry.competency.uuid) if request.POST.get("show") == "all" else None
        if not request.htmx:
            messages.success(
                request, _("Your work on %(code)s is saved.") % {"code": entry.competency.code}
            )
            return redirect(_entry_url(portfolio, entry, show_all=show_all))
        context = _page_context(request, portfolio, show_all=show_all)
        context.update(row=_row_for(context, entry), saved=entry.competency.code)
        return render(request, "competencies/portfolio/entry_saved.html", context)
    # The form again, offering all the student's evidence so no selection is lost.
    context = _page_context(request, portfolio, bound=(entry.pk, form))
    if request.htmx:
        context["row"] = _row_for(context, entry)
        return render(request, "competencies/portfolio/portfolio_detail.html#entry", context)
    return render(request, "competencies/portfolio/portfolio_detail.html", context, status=400)


def _back_to_page(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    url = reverse("competencies:portfolio", args=[portfolio.uuid])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@login_required
def portfolio_overall(request: HttpRequest, portfolio_uuid) -> HttpResponse:
    """The overall reflection and the development plan."""
    portfolio = _owned(request, portfolio_uuid)
    if not portfolio.is_editable:
        messages.error(
            request, _("This portfolio is submitted: withdraw the submission to change it.")
        )
        return _back_to_page(request, portfolio)
    form = OverallForm(request.POST)
    if form.is_valid():
        try:
            services.save_overall(
                portfolio=portfolio,
                overall_reflection=form.cleaned_data["overall_reflection"],
                development_plan=form.cleaned_data["development_plan"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.is_valid():
        if not request.htmx:
            messages.success(request, _("Your reflection and development plan are saved."))
            url = reverse("competencies:portfolio", args=[portfolio.uuid])
            return redirect(f"{url}#overall")
        context = _page_context(request, portfolio)
        context["saved"] = "overall"
        return render(request, "competencies/portfolio/overall_saved.html", context)
    context = _page_context(request, portfolio, overall_form=form)
    if request.htmx:
        return render(request, "competencies/portfolio/portfolio_detail.html#overall", context)
    return render(request, "competencies/portfolio/portfolio_detail.html", context, status=400)


@require_POST
@login_required
def portfolio_submit(request: HttpRequest, portfolio_uuid) -> HttpResponse:
    portfolio = _owned(request, portfolio_uuid)
    try:
        snapshot = services.submit_portfolio(portfolio=portfolio, by=request.user)
    except services.IncompletePortfolio:
        messages.error(
            request,
            _("Your portfolio isn't complete yet: see what is missing under “Ready to submit?”."),
        )
        return redirect(reverse("competencies:portfolio", args=[portfolio.uuid]) + "#completeness")
    except ValidationError as error:
        error_messages(request, error)
        return redirect("competencies:portfolio", portfolio.uuid)
    messages.success(
        request,
        _("Your portfolio is submitted. This is exactly what your examiners will see."),
    )
    return redirect("competencies:portfolio_snapshot", snapshot.uuid)


@require_POST
@login_required
def portfolio_withdraw(request: HttpRequest, portfolio_uuid) -> HttpResponse:
    portfolio = _owned(request, portfolio_uuid)
    try:
        services.withdraw_submission(portfolio=portfolio, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("Your submission is withdrawn. You can change your portfolio and submit it again."),
        )
    return redirect("competencies:portfolio", portfolio.uuid)


# --- snapshots ------------------------------------------------------------------------------


@require_safe
@login_required
def snapshot_detail(request: HttpRequest, snapshot_uuid) -> HttpResponse:
    """A submission exactly as it was made: only the frozen data, never the live portfolio."""
    snapshot = get_snapshot_for(request.user, snapshot_uuid)
    portfolio = snapshot.portfolio
    context = {
        "snapshot": snapshot,
        "portfolio": portfolio,
        "enrolment": portfolio.enrolment,
        "is_owner": is_owner(request.user, portfolio.enrolment),
        "is_current": portfolio.current_snapshot_id == snapshot.pk,
        "data": present(snapshot.data),
        "verified": hash_data(snapshot.data) == snapshot.sha256,
    }
    return render(request, "competencies/portfolio/snapshot_detail.html", context)


@require_safe
@login_required
def snapshot_file(request: HttpRequest, snapshot_uuid, sha256: str) -> HttpResponse:
    """A file of a submission, served only when its content still has the submitted hash."""
    snapshot = get_snapshot_for(request.user, snapshot_uuid)
    frozen = files_of(snapshot.data).get(sha256)
    if frozen is None:
        raise Http404
    try:
        actual, _size = hash_stored_file(frozen["storage_name"])
    except OSError:
        actual = None
    if actual != sha256:
        logger.error(
            "Snapshot %s: file %s is missing or changed (hash %s)", snapshot.uuid, sha256, actual
        )
        messages.error(
            request,
            _(
                "The file “%(name)s” is no longer exactly as submitted, so it isn't served. "
                "Please tell the programme administration."
            )
            % {"name": frozen["original_name"]},
        )
        return redirect("competencies:portfolio_snapshot", snapshot.uuid)
    return file_response(
        name=frozen["storage_name"],
        filename=frozen["original_name"],
        content_type=frozen["content_type"],
    )


urlpatterns = [
    path("portfolios/", portfolio_list, name="portfolios"),
    path(
        "students/<uuid:enrolment_uuid>/portfolios/",
        portfolio_list,
        name="portfolios_of_student",
    ),
    path(
        "portfolios/moments/<uuid:moment_uuid>/start/",
        portfolio_start,
        name="portfolio_start",
    ),
    path("portfolios/<uuid:portfolio_uuid>/", portfolio_detail, name="portfolio"),
    path(
        "portfolios/<uuid:portfolio_uuid>/entries/<uuid:competency_uuid>/",
        portfolio_entry,
        name="portfolio_entry",
    ),
    path(
        "portfolios/<uuid:portfolio_uuid>/overall/",
        portfolio_overall,
        name="portfolio_overall",
    ),
    path("portfolios/<uuid:portfolio_uuid>/submit/", portfolio_submit, name="portfolio_submit"),
    path(
        "portfolios/<uuid:portfolio_uuid>/withdraw/",
        portfolio_withdraw,
        name="portfolio_withdraw",
    ),
    path(
        "portfolios/snapshots/<uuid:snapshot_uuid>/",
        snapshot_detail,
        name="portfolio_snapshot",
    ),
    path(
        "portfolios/snapshots/<uuid:snapshot_uuid>/files/<str:sha256>/",
        snapshot_file,
        name="portfolio_snapshot_file",
    ),
]
