"""Project-level pages: the role router, the four dashboards and the health check.

Dashboards sit here, above the apps, because each later gathers from several of them.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
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
from competencies.access import own_enrolment


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
    enrolment = own_enrolment(request.user)
    if enrolment is not None:
        context.update(progress.dashboard(enrolment, today=timezone.localdate()))
        context["enrolment"] = enrolment
    return render(request, "dashboards/student.html", context)


@require_safe
@role_required(Role.LECTURER)
def lecturer_dashboard(request: HttpRequest) -> HttpResponse:
    cohorts = Cohort.objects.visible_to(request.user).with_student_counts().order_by("-start_date")
    return render(request, "dashboards/lecturer.html", {"cohorts": cohorts})


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
    return render(request, "dashboards/supervisor.html", {"supervisees": supervisees})


@require_safe
@role_required(Role.PROGRAMME_ADMIN)
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    people = User.objects.active()
    counts = people.role_counts()
    context = {
        "role_counts": [(Role(role).label, counts[role]) for role in Role.values],
        "cohorts": Cohort.objects.with_student_counts().order_by("-start_date"),
        "pending_invitations": people.filter(last_login__isnull=True).by_family_name()[:50],
    }
    return render(request, "dashboards/admin.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (Django's admin)."""
    return redirect(static("favicon.svg"), permanent=True)
