from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="cohorts"),
    path("new/", views.cohort_create, name="cohort_create"),
    path("mine/", views.mine, name="mine"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:import_uuid>/", views.import_mapping, name="import_mapping"),
    path("import/<uuid:import_uuid>/preview/", views.import_preview, name="import_preview"),
    path("import/<uuid:import_uuid>/rows/<int:index>/", views.import_row, name="import_row"),
    path("import/<uuid:import_uuid>/apply/", views.import_apply, name="import_apply"),
    path("<uuid:cohort_uuid>/", views.cohort_detail, name="cohort"),
    path("<uuid:cohort_uuid>/edit/", views.cohort_edit, name="cohort_edit"),
    path("<uuid:cohort_uuid>/bulk/", views.bulk_action, name="bulk"),
    path("<uuid:cohort_uuid>/enrol/", views.enrol_student, name="enrol"),
    path("<uuid:cohort_uuid>/export.<str:file_format>", views.cohort_export, name="cohort_export"),
    path("<uuid:cohort_uuid>/staff/", views.staff, name="staff"),
    path("<uuid:cohort_uuid>/staff/<int:assignment_id>/end/", views.staff_end, name="staff_end"),
    path("<uuid:cohort_uuid>/groups/", views.group_list, name="groups"),
    path("enrolments/<uuid:enrolment_uuid>/", views.enrolment_detail, name="enrolment"),
    path(
        "enrolments/<uuid:enrolment_uuid>/status/",
        views.enrolment_status,
        name="enrolment_status",
    ),
    path(
        "enrolments/<uuid:enrolment_uuid>/supervisor/",
        views.enrolment_supervisor,
        name="enrolment_supervisor",
    ),
    path("groups/<uuid:group_uuid>/", views.group_detail, name="group"),
    path("groups/<uuid:group_uuid>/members/", views.group_members, name="group_members"),
    path(
        "groups/<uuid:group_uuid>/members/<uuid:enrolment_uuid>/remove/",
        views.group_member_remove,
        name="group_member_remove",
    ),
    path("groups/<uuid:group_uuid>/delete/", views.group_delete, name="group_delete"),
    path("groups/<uuid:group_uuid>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<uuid:session_uuid>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_uuid>/delete/", views.session_delete, name="session_delete"),
]
