from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("CoachMaster administration")
admin.site.site_title = _("CoachMaster")
admin.site.index_title = _("Programme administration")
# The admin uses allauth's login (rate limits, and later MFA) instead of its own form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("student/", views.student_dashboard, name="student_dashboard"),
    path("lecturer/", views.lecturer_dashboard, name="lecturer_dashboard"),
    path("supervisor/", views.supervisor_dashboard, name="supervisor_dashboard"),
    path("programme/", views.admin_dashboard, name="admin_dashboard"),
    path("health/", views.health, name="health"),
    path("health/session/", views.session_health, name="session_health"),
    # Browsers ask for /favicon.ico on pages without an icon link (Django's admin).
    path("favicon.ico", views.favicon),
    path("curriculum/", include("curriculum.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("", include("competencies.urls")),
    path("", include("thesis.urls")),
    path("", include("coachmaster.reports.urls")),
    path("", include("coachmaster.privacy.urls")),
    path("", include("coachmaster.audit.urls")),
    path("", include("coachmaster.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
