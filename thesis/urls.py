"""Addresses of the thesis app (under /thesis/, the calendar feed under /calendar/)."""

from django.urls import path

from .views import calendar, ethics, meetings, projects, staff

app_name = "thesis"

urlpatterns = [
    # projects
    path("thesis/", projects.mine, name="mine"),
    path("thesis/start/", projects.start, name="start"),
    path("thesis/<uuid:project_uuid>/", projects.project, name="project"),
    path("thesis/<uuid:project_uuid>/edit/", projects.project_edit, name="project_edit"),
    path("thesis/milestones/<uuid:milestone_uuid>/", projects.milestone, name="milestone"),
    path(
        "thesis/milestones/<uuid:milestone_uuid>/start/",
        projects.milestone_start,
        name="milestone_start",
    ),
    path(
        "thesis/milestones/<uuid:milestone_uuid>/upload/",
        projects.version_upload,
        name="version_upload",
    ),
    path(
        "thesis/milestones/<uuid:milestone_uuid>/reopen/",
        projects.milestone_reopen,
        name="milestone_reopen",
    ),
    path(
        "thesis/milestones/<uuid:milestone_uuid>/due-date/",
        projects.milestone_due,
        name="milestone_due",
    ),
    path(
        "thesis/milestones/<uuid:milestone_uuid>/sign-off/",
        projects.defence_sign_off,
        name="defence_sign_off",
    ),
    path(
        "thesis/versions/<uuid:version_uuid>/review/",
        projects.version_review,
        name="version_review",
    ),
    path("thesis/versions/<uuid:version_uuid>/file/", projects.version_file, name="version_file"),
    # ethics
    path("thesis/ethics/", ethics.ethics_queue, name="ethics_queue"),
    path("thesis/ethics/reviewers/", ethics.ethics_reviewers, name="ethics_reviewers"),
    path(
        "thesis/ethics/reviewers/<int:appointment_id>/end/",
        ethics.ethics_reviewer_end,
        name="ethics_reviewer_end",
    ),
    path("thesis/ethics/<uuid:review_uuid>/", ethics.ethics, name="ethics"),
    path("thesis/ethics/<uuid:review_uuid>/submit/", ethics.ethics_submit, name="ethics_submit"),
    path("thesis/ethics/<uuid:review_uuid>/decide/", ethics.ethics_decide, name="ethics_decide"),
    path("thesis/ethics/<uuid:review_uuid>/refer/", ethics.ethics_refer, name="ethics_refer"),
    path(
        "thesis/ethics/<uuid:review_uuid>/new-round/", ethics.ethics_revise, name="ethics_revise"
    ),
    # meetings
    path("thesis/<uuid:project_uuid>/meetings/", meetings.meetings, name="meetings"),
    path("thesis/<uuid:project_uuid>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("thesis/meetings/<uuid:meeting_uuid>/", meetings.meeting, name="meeting"),
    path("thesis/meetings/<uuid:meeting_uuid>/actions/", meetings.action_add, name="action_add"),
    path("thesis/actions/<uuid:action_uuid>/done/", meetings.action_done, name="action_done"),
    # staff
    path("thesis/supervision/", staff.supervision, name="supervision"),
    path("thesis/reading/", staff.reading, name="reading"),
    path("thesis/overview/", staff.overview, name="overview"),
    path("thesis/cohorts/<uuid:cohort_uuid>/staff/", staff.staff, name="staff"),
    path("thesis/hosts/", staff.hosts, name="hosts"),
    path("thesis/hosts/new/", staff.host_new, name="host_new"),
    path("thesis/hosts/<uuid:host_uuid>/", staff.host, name="host"),
    path("thesis/templates/<uuid:version_uuid>/", staff.milestone_templates, name="templates"),
    # calendar
    path("thesis/calendar/", calendar.calendar, name="calendar"),
    path("thesis/calendar/regenerate/", calendar.calendar_regenerate, name="calendar_regenerate"),
    path("thesis/calendar/revoke/", calendar.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
]
