from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.statement, name="statement"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/my-data/", views.mine, name="mine"),
    path("privacy/my-data/export/", views.export_request, name="export_request"),
    path("privacy/my-data/erasure/", views.erasure_request, name="erasure_request"),
    path("privacy/exports/<uuid:export_uuid>/", views.export, name="export"),
    path(
        "privacy/exports/<uuid:export_uuid>/download/",
        views.export_download,
        name="export_download",
    ),
    path("privacy/erasure/", views.erasure_list, name="erasure_list"),
    path("privacy/erasure/<uuid:request_uuid>/", views.erasure, name="erasure"),
    path(
        "privacy/erasure/<uuid:request_uuid>/carry-out/",
        views.erasure_carry_out,
        name="erasure_carry_out",
    ),
    path("privacy/people/<uuid:person_uuid>/", views.person, name="person"),
    path("privacy/people/<uuid:person_uuid>/export/", views.person_export, name="person_export"),
    path(
        "privacy/people/<uuid:person_uuid>/erasure/", views.person_erasure, name="person_erasure"
    ),
    path("privacy/retention/", views.rules, name="rules"),
    path("privacy/retention/runs/", views.runs, name="runs"),
    path("privacy/retention/<slug:category>/", views.rule_edit, name="rule_edit"),
]
