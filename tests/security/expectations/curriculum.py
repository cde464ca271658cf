"""Curriculum versions, periods, modules, review moments. The editing pages open a draft
version (only drafts can be edited); reading pages the cohort's active version."""

NAMESPACE = "curriculum"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
module                                GET  L   200 200 200 200 200 200 200 200 404 404 200 M
module                                POST NO_POST
module_create                         GET  L   403 403 403 403 403 403 403 403 403 403 200 M
module_create                         POST L   403 403 403 403 403 403 403 403 403 403 200 M
module_delete                         GET  NO_POST
module_delete                         POST L   403 403 403 403 403 403 403 403 403 403 302 M
module_edit                           GET  L   403 403 403 403 403 403 403 403 403 403 200 M
module_edit                           POST L   403 403 403 403 403 403 403 403 403 403 200 M
period_create                         GET  L   403 403 403 403 403 403 403 403 403 403 200 M
period_create                         POST L   403 403 403 403 403 403 403 403 403 403 200 M
period_delete                         GET  NO_POST
period_delete                         POST L   403 403 403 403 403 403 403 403 403 403 302 M
period_edit                           GET  L   403 403 403 403 403 403 403 403 403 403 200 M
period_edit                           POST L   403 403 403 403 403 403 403 403 403 403 200 M
review_moment_create                  GET  L   403 403 403 403 403 403 403 403 403 403 200 M
review_moment_create                  POST L   403 403 403 403 403 403 403 403 403 403 200 M
review_moment_delete                  GET  NO_POST
review_moment_delete                  POST L   403 403 403 403 403 403 403 403 403 403 302 M
review_moment_edit                    GET  L   403 403 403 403 403 403 403 403 403 403 200 M
review_moment_edit                    POST L   403 403 403 403 403 403 403 403 403 403 200 M
version                               GET  L   200 200 200 200 200 200 200 200 404 404 200 M
version                               POST NO_POST
version_settings                      GET  L   403 403 403 403 403 403 403 403 403 403 200 M
version_settings                      POST L   403 403 403 403 403 403 403 403 403 403 200 M
version_status                        GET  NO_POST
version_status                        POST L   403 403 403 403 403 403 403 403 403 403 302 M
versions                              GET  L   302 302 302 302 302 302 302 302 200 200 200 M
versions                              POST NO_POST
"""
