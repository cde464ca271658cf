from django.urls import path

from .views import framework as views

app_name = "competencies"

urlpatterns = [
    # Pages that join the curriculum to the framework, under the curriculum's addresses.
    path("curriculum/<uuid:version_uuid>/map/", views.curriculum_map, name="map"),
    path(
        "curriculum/map/<uuid:module_uuid>/<uuid:competency_uuid>/",
        views.map_cell,
        name="map_cell",
    ),
    path(
        "curriculum/review-moments/<uuid:moment_uuid>/targets/",
        views.review_targets,
        name="review_targets",
    ),
    path("curriculum/<uuid:version_uuid>/copy/", views.version_copy, name="version_copy"),
    path(
        "curriculum/programmes/<uuid:programme_uuid>/new-version/",
        views.version_create,
        name="version_create",
    ),
    # The framework itself.
    path("frameworks/<uuid:framework_uuid>/", views.framework_detail, name="framework"),
    path(
        "frameworks/<uuid:framework_uuid>/competencies/new/",
        views.competency_create,
        name="competency_create",
    ),
    path("frameworks/<uuid:framework_uuid>/levels/new/", views.level_create, name="level_create"),
    path(
        "frameworks/<uuid:framework_uuid>/profiles/new/",
        views.profile_create,
        name="profile_create",
    ),
    path(
        "frameworks/<uuid:framework_uuid>/levels/<int:rank>/edit/",
        views.level_edit,
        name="level_edit",
    ),
    path(
        "frameworks/<uuid:framework_uuid>/profiles/<slug:code>/edit/",
        views.profile_edit,
        name="profile_edit",
    ),
    path("frameworks/<uuid:framework_uuid>/mapping/", views.mapping, name="mapping"),
    path(
        "frameworks/<uuid:framework_uuid>/mapping/<uuid:competency_uuid>/",
        views.mapping_edit,
        name="mapping_edit",
    ),
    path(
        "frameworks/<uuid:framework_uuid>/export.<str:file_format>",
        views.export,
        name="export",
    ),
    path("frameworks/<uuid:framework_uuid>/import/", views.import_view, name="import"),
    path("competencies/<uuid:competency_uuid>/", views.competency_detail, name="competency"),
    path(
        "competencies/<uuid:competency_uuid>/edit/",
        views.competency_edit,
        name="competency_edit",
    ),
    path(
        "competencies/<uuid:competency_uuid>/delete/",
        views.competency_delete,
        name="competency_delete",
    ),
]

# The student's own work: each area's module lists its URLs.
from .views import evidence, log, portfolio  # noqa: E402

urlpatterns += log.urlpatterns + evidence.urlpatterns + portfolio.urlpatterns

# Assessment and formative feedback.
from .views import examiners, feedback, judging, reconciliation  # noqa: E402

urlpatterns += (
    judging.urlpatterns + examiners.urlpatterns + reconciliation.urlpatterns + feedback.urlpatterns
)
