from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.my_reports, name="list"),
    path(
        "reports/request/<str:kind>/<uuid:subject_uuid>/",
        views.request_report,
        name="request",
    ),
    path("reports/<uuid:job_uuid>/", views.job, name="job"),
    path("reports/<uuid:job_uuid>/download/", views.download, name="download"),
    path("reports/<uuid:job_uuid>/retry/", views.retry, name="retry"),
]
