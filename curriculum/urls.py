from django.urls import path

from . import views

app_name = "curriculum"

urlpatterns = [
    path("", views.version_list, name="versions"),
    path("<uuid:version_uuid>/", views.version_detail, name="version"),
    path("<uuid:version_uuid>/settings/", views.version_settings, name="version_settings"),
    path("<uuid:version_uuid>/status/", views.version_status, name="version_status"),
    path("<uuid:version_uuid>/modules/new/", views.module_create, name="module_create"),
    path("<uuid:version_uuid>/periods/new/", views.period_create, name="period_create"),
    path(
        "<uuid:version_uuid>/review-moments/new/",
        views.review_moment_create,
        name="review_moment_create",
    ),
    path("modules/<uuid:module_uuid>/", views.module_detail, name="module"),
    path("modules/<uuid:module_uuid>/edit/", views.module_edit, name="module_edit"),
    path("modules/<uuid:module_uuid>/delete/", views.module_delete, name="module_delete"),
    path("periods/<uuid:period_uuid>/edit/", views.period_edit, name="period_edit"),
    path("periods/<uuid:period_uuid>/delete/", views.period_delete, name="period_delete"),
    path(
        "review-moments/<uuid:moment_uuid>/edit/",
        views.review_moment_edit,
        name="review_moment_edit",
    ),
    path(
        "review-moments/<uuid:moment_uuid>/delete/",
        views.review_moment_delete,
        name="review_moment_delete",
    ),
]
