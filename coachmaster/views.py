"""Project-level pages: the role router, the four dashboards and the health check.

Dashboards sit here, above the apps, because each later gathers from several of them.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from coachmaster.accounts.access import active_role, dashboard_url, role_required
from coachmaster.accounts.models import Role, User
from cohorts.models import Cohort, Enrolment
from competencies import progress
from competencies.models import Assessment, Examiner, FeedbackThread
from thesis import summary as thesis_summary


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = active_role(request)
    if role is None:
        return render(request, "dashboards/no_role.html", status=403)
    return redirect(dashboard_url(role))


@require_safe
@role_required(Role.STUDENT)
def student_dashboard(request: HttpRequest) -> HttpResponse:
    enrolments = list(
        Enrolment.objects.for_student(request.user).select_related(
            "cohort__curriculum_version__programme", "cohort__curriculum_version__framework"
        )
    )
    context = {"enrolments": enrolments}
    # The same choice as ``own_enrolment`` (the active enrolment, else the latest), made from
    # the list already loaded, with its curriculum version and framework.
    active = [e for e in enrolments if e.status == Enrolment.Status.ACTIVE]
    enrolment = max(active or enrolments, key=lambda e: e.enrolled_on, default=None)
    if enrolment is not None:
        context.update(progress.dashboard(enrolment, today=timezone.localdate()))
        context["enrolment"] = enrolment
        context.update(thesis_summary.for_student(enrolment))
    return render(request, "dashboards/student.html", context)


@require_safe
@role_required(Role.LECTURER)
def lecturer_dashboard(request: HttpRequest) -> HttpResponse:
    cohorts = Cohort.objects.visible_to(request.user).with_student_counts().order_by("-start_date")
    open_, reconciling = Assessment.Status.OPEN, Assessment.Status.RECONCILING
    work = Examiner.objects.filter(
        user=request.user, assessment__status__in=[open_, reconciling]
    ).aggregate(
        to_assess=Count("pk", filter=Q(submitted_at__isnull=True, assessment__status=open_)),
        to_reconcile=Count("pk", filter=Q(assessment__status=reconciling)),
        overdue=Count("pk", filter=Q(assessment__due_on__lt=timezone.localdate())),
    )
    work["feedback_requests"] = FeedbackThread.objects.filter(lecturer=request.user).open().count()
    work["theses_to_read"] = thesis_summary.for_reader(request.user)
    work["ethics"] = thesis_summary.ethics_waiting_for(request.user)
    return render(request, "dashboards/lecturer.html", {"cohorts": cohorts, "work": work})


@require_safe
@role_required(Role.SUPERVISOR)
def supervisor_dashboard(request: HttpRequest) -> HttpResponse:
    supervisees = (
        Enrolment.objects.filter(
            supervisor_assignments__supervisor=request.user,
            supervisor_assignments__ended_at__isnull=True,
        )
        .select_related("student", "cohort")
        .order_by("cohort__start_date", "student__family_name", "student__given_name")
    )
    work = thesis_summary.for_supervisor(request.user)
    work["theses_to_read"] = thesis_summary.for_reader(request.user)
    return render(
        request, "dashboards/supervisor.html", {"supervisees": supervisees, "work": work}
    )


@require_safe
@role_required(Role.PROGRAMME_ADMIN)
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    people = User.objects.active()
    counts = people.role_counts()
    context = {
        "role_counts": [(Role(role).label, counts[role]) for role in Role.values],
        "cohorts": Cohort.objects.with_student_counts().order_by("-start_date"),
        "pending_invitations": people.filter(last_login__isnull=True).by_family_name()[:50],
        "assessments": Assessment.objects.active()
        .annotate(examiner_count=Count("examiners"))
        .aggregate(
            need_examiners=Count(
                "pk", filter=Q(examiner_count__lt=F("portfolio__review_moment__min_examiners"))
            ),
            need_third=Count("pk", filter=Q(escalated_at__isnull=False)),
            overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate())),
        ),
        "theses": thesis_summary.for_admin(),
    }
    return render(request, "dashboards/admin.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
@login_required
def session_health(request: HttpRequest) -> JsonResponse:
    """The signed-in path end to end: session, user, role and every middleware, no page.

    Monitoring uses it to see that logging in still works; the benchmark (``bench/``) uses it
    as the web floor that each page's throughput is compared with.
    """
    return JsonResponse({"status": "ok", "authenticated": True})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (Django's admin)."""
    return redirect(static("favicon.svg"), permanent=True)
