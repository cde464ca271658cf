"""Cohorts, enrolments, groups, intervision sessions, staff, student import."""

NAMESPACE = "cohorts"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
bulk                                  GET  NO_POST
bulk                                  POST L   403 403 403 403 403 403 403 403 403 403 302 M
cohort                                GET  L   302 302 200 404 200 200 200 200 404 404 200 M
cohort                                POST NO_POST
cohort_create                         GET  L   403 403 403 403 403 403 403 403 403 403 200 M
cohort_create                         POST L   403 403 403 403 403 403 403 403 403 403 200 M
cohort_edit                           GET  L   403 403 403 403 403 403 403 403 403 403 200 M
cohort_edit                           POST L   403 403 403 403 403 403 403 403 403 403 200 M
cohort_export                         GET  L   404 404 200 404 200 200 404 404 404 404 200 M
cohort_export                         POST NO_POST
cohorts                               GET  L   302 302 200 200 200 200 302 302 200 200 200 M
cohorts                               POST NO_POST
enrol                                 GET  L   403 403 403 403 403 403 403 403 403 403 200 M
enrol                                 POST L   403 403 403 403 403 403 403 403 403 403 200 M
enrolment                             GET  L   200 404 200 404 200 200 200 404 404 404 200 M
enrolment                             POST NO_POST
enrolment_status                      GET  NO_POST
enrolment_status                      POST L   403 403 403 403 403 403 403 403 403 403 302 M
enrolment_supervisor                  GET  NO_POST
enrolment_supervisor                  POST L   403 403 403 403 403 403 403 403 403 403 302 M
group                                 GET  L   200 200 200 404 200 200 404 404 404 404 200 M
group                                 POST L   403 403 403 404 403 403 404 404 404 404 200 M
group_delete                          GET  NO_POST
group_delete                          POST L   403 403 403 403 403 403 403 403 403 403 302 M
group_member_remove                   GET  NO_POST
group_member_remove                   POST L   403 403 403 403 403 403 403 403 403 403 302 M
group_members                         GET  NO_POST
group_members                         POST L   403 403 403 403 403 403 403 403 403 403 302 M
groups                                GET  L   200 200 200 404 200 200 200 200 404 404 200 M
groups                                POST L   403 403 403 404 403 403 403 403 404 404 200 M
import                                GET  L   403 403 403 403 403 403 403 403 403 403 200 M
import                                POST L   403 403 403 403 403 403 403 403 403 403 200 M
import_apply                          GET  NO_POST
import_apply                          POST L   403 403 403 403 403 403 403 403 403 403 302 M
import_mapping                        GET  L   403 403 403 403 403 403 403 403 403 403 200 M
import_mapping                        POST L   403 403 403 403 403 403 403 403 403 403 200 M
import_preview                        GET  L   403 403 403 403 403 403 403 403 403 403 200 M
import_preview                        POST NO_POST
import_row                            GET  L   403 403 403 403 403 403 403 403 403 403 200 M
import_row                            POST L   403 403 403 403 403 403 403 403 403 403 200 M
mine                                  GET  L   200 200 403 403 403 403 403 403 403 403 403 M
mine                                  POST NO_POST
session                               GET  L   200 200 200 404 200 200 404 404 404 404 200 M
session                               POST L   403 403 200 404 403 403 404 404 404 404 200 M
session_create                        GET  L   403 403 200 404 403 403 404 404 404 404 200 M
session_create                        POST L   403 403 200 404 403 403 404 404 404 404 200 M
session_delete                        GET  NO_POST
session_delete                        POST L   403 403 302 404 403 403 404 404 404 404 302 M
staff                                 GET  L   403 403 403 403 403 403 403 403 403 403 200 M
staff                                 POST L   403 403 403 403 403 403 403 403 403 403 200 M
staff_end                             GET  NO_POST
staff_end                             POST L   403 403 403 403 403 403 403 403 403 403 302 M
"""
