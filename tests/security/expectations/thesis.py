"""Thesis projects, milestones, ethics review, supervision meetings, staff screens, the
calendar page and its token feed."""

NAMESPACE = "thesis"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
action_add                            GET  NO_POST
action_add                            POST L   400 404 404 404 404 404 400 404 404 404 403 M
action_done                           GET  NO_POST
action_done                           POST L   400 404 404 404 404 404 400 404 404 404 403 M
calendar                              GET  L   200 200 200 200 200 200 200 200 200 200 200 M
calendar                              POST NO_POST
calendar_feed                         GET  200 200 200 200 200 200 200 200 200 200 200 200 200
calendar_feed                         POST 405 405 405 405 405 405 405 405 405 405 405 405 405
calendar_regenerate                   GET  NO_POST
calendar_regenerate                   POST L   302 302 302 302 302 302 302 302 302 302 302 M
calendar_revoke                       GET  NO_POST
calendar_revoke                       POST L   302 302 302 302 302 302 302 302 302 302 302 M
defence_sign_off                      GET  NO_POST
defence_sign_off                      POST L   403 404 404 404 404 404 400 404 403 404 400 M
ethics                                GET  L   200 404 404 404 404 404 200 404 404 200 200 M
ethics                                POST L   302 404 404 404 404 404 403 404 404 403 403 M
ethics_decide                         GET  NO_POST
ethics_decide                         POST L   403 404 404 404 404 404 403 404 404 400 403 M
ethics_queue                          GET  L   403 403 403 403 403 403 200 200 403 200 200 M
ethics_queue                          POST NO_POST
ethics_refer                          GET  NO_POST
ethics_refer                          POST L   403 404 404 404 404 404 403 404 404 403 403 M
ethics_reviewer_end                   GET  NO_POST
ethics_reviewer_end                   POST L   403 403 403 403 403 403 403 403 403 403 302 M
ethics_reviewers                      GET  L   403 403 403 403 403 403 403 403 403 403 200 M
ethics_reviewers                      POST L   403 403 403 403 403 403 403 403 403 403 400 M
ethics_revise                         GET  NO_POST
ethics_revise                         POST L   400 404 404 404 404 404 400 404 404 403 403 M
ethics_submit                         GET  NO_POST
ethics_submit                         POST L   302 404 404 404 404 404 403 404 404 403 403 M
host                                  GET  L   403 403 403 403 403 403 200 200 403 403 200 M
host                                  POST L   403 403 403 403 403 403 200 200 403 403 200 M
host_new                              GET  L   403 403 403 403 403 403 200 200 403 403 200 M
host_new                              POST L   403 403 403 403 403 403 200 200 403 403 200 M
hosts                                 GET  L   403 403 403 403 403 403 200 200 403 403 200 M
hosts                                 POST NO_POST
meeting                               GET  L   200 404 404 404 404 404 200 404 404 404 200 M
meeting                               POST L   400 404 404 404 404 404 400 404 404 404 403 M
meeting_new                           GET  L   200 404 404 404 404 404 200 404 404 404 403 M
meeting_new                           POST L   400 404 404 404 404 404 400 404 404 404 403 M
meetings                              GET  L   200 404 404 404 404 404 200 404 404 404 200 M
meetings                              POST NO_POST
milestone                             GET  L   200 404 404 404 404 404 200 404 404 404 200 M
milestone                             POST NO_POST
milestone_due                         GET  NO_POST
milestone_due                         POST L   403 404 404 404 404 404 400 404 404 404 400 M
milestone_reopen                      GET  NO_POST
milestone_reopen                      POST L   403 404 404 404 404 404 400 404 404 404 400 M
milestone_start                       GET  NO_POST
milestone_start                       POST L   302 404 404 404 404 404 403 404 404 404 403 M
mine                                  GET  L   302 200 403 403 403 403 403 403 403 403 403 M
mine                                  POST NO_POST
overview                              GET  L   403 403 403 403 403 403 403 403 403 403 200 M
overview                              POST NO_POST
project                               GET  L   200 404 404 404 404 404 200 404 200 404 200 M
project                               POST NO_POST
project_edit                          GET  L   200 404 404 404 404 404 200 404 404 404 200 M
project_edit                          POST L   400 404 404 404 404 404 400 404 404 404 400 M
reading                               GET  L   403 403 200 200 200 200 200 200 200 200 403 M
reading                               POST NO_POST
staff                                 GET  L   403 403 403 403 403 403 403 403 403 403 200 M
staff                                 POST L   403 403 403 403 403 403 403 403 403 403 302 M
start                                 GET  NO_POST
start                                 POST L   400 400 403 403 403 403 403 403 403 403 403 M
supervision                           GET  L   403 403 403 403 403 403 200 200 403 403 403 M
supervision                           POST NO_POST
templates                             GET  L   403 403 403 403 403 403 403 403 403 403 200 M
templates                             POST L   403 403 403 403 403 403 403 403 403 403 400 M
version_file                          GET  L   200 404 404 404 404 404 200 404 404 404 200 M
version_file                          POST NO_POST
version_review                        GET  NO_POST
version_review                        POST L   403 404 404 404 404 404 400 404 404 404 403 M
version_upload                        GET  NO_POST
version_upload                        POST L   400 404 404 404 404 404 403 404 404 404 403 M
"""
