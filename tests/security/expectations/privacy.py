"""Privacy: the statement and accessibility pages, data exports, erasure, retention."""

NAMESPACE = "privacy"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
accessibility                         GET  200 200 200 200 200 200 200 200 200 200 200 200 200
accessibility                         POST 405 405 405 405 405 405 405 405 405 405 405 405 405
erasure                               GET  L   200 404 404 404 404 404 404 404 404 404 200 M
erasure                               POST NO_POST
erasure_carry_out                     GET  NO_POST
erasure_carry_out                     POST L   403 403 403 403 403 403 403 403 403 403 302 M
erasure_list                          GET  L   403 403 403 403 403 403 403 403 403 403 200 M
erasure_list                          POST NO_POST
erasure_request                       GET  NO_POST
erasure_request                       POST L   302 302 302 302 302 302 302 302 302 302 302 M
export                                GET  L   200 404 404 404 404 404 404 404 404 404 200 M
export                                POST NO_POST
export_download                       GET  L   200 404 404 404 404 404 404 404 404 404 200 M
export_download                       POST NO_POST
export_request                        GET  NO_POST
export_request                        POST L   302 302 302 302 302 302 302 302 302 302 302 M
mine                                  GET  L   200 200 200 200 200 200 200 200 200 200 200 M
mine                                  POST NO_POST
person                                GET  L   403 403 403 403 403 403 403 403 403 403 200 M
person                                POST NO_POST
person_erasure                        GET  NO_POST
person_erasure                        POST L   403 403 403 403 403 403 403 403 403 403 302 M
person_export                         GET  NO_POST
person_export                         POST L   403 403 403 403 403 403 403 403 403 403 302 M
rule_edit                             GET  L   403 403 403 403 403 403 403 403 403 403 200 M
rule_edit                             POST L   403 403 403 403 403 403 403 403 403 403 200 M
rules                                 GET  L   403 403 403 403 403 403 403 403 403 403 200 M
rules                                 POST NO_POST
runs                                  GET  L   403 403 403 403 403 403 403 403 403 403 200 M
runs                                  POST NO_POST
statement                             GET  200 200 200 200 200 200 200 200 200 200 200 200 200
statement                             POST 405 405 405 405 405 405 405 405 405 405 405 405 405
"""
