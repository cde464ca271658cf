"""Frameworks, the student's log, evidence, feedback, portfolios and assessments.

Independence: ``examiner_before`` opens the student's assessment while the co-examiner has
not submitted, ``examiner_after`` one where the co-examiner has; neither may reconcile (404)
until both are in, and neither ever reads the co-examiner's words (checked on every page)."""

NAMESPACE = "competencies"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
assessment                            GET  L   404 404 404 404 200 200 404 404 404 404 200 M
assessment                            POST NO_POST
assessment_admin                      GET  L   403 403 403 403 403 403 403 403 403 403 200 M
assessment_admin                      POST L   403 403 403 403 403 403 403 403 403 403 302 M
assessment_approve                    GET  NO_POST
assessment_approve                    POST L   404 404 404 404 404 404 404 404 404 404 404 M
assessment_autosave                   GET  NO_POST
assessment_autosave                   POST L   404 404 404 404 302 302 404 404 404 404 403 M
assessment_correct                    GET  L   404 404 404 404 302 302 404 404 404 404 302 M
assessment_correct                    POST L   404 404 404 404 302 302 404 404 404 404 302 M
assessment_escalate                   GET  NO_POST
assessment_escalate                   POST L   404 404 404 404 404 404 404 404 404 404 404 M
assessment_examiner_remove            GET  NO_POST
assessment_examiner_remove            POST L   404 404 404 404 404 404 404 404 404 404 302 M
assessment_examiners                  GET  L   404 404 404 404 404 404 404 404 404 404 200 M
assessment_examiners                  POST L   404 404 404 404 404 404 404 404 404 404 400 M
assessment_export                     GET  L   404 404 404 404 200 200 404 404 404 404 200 M
assessment_export                     POST NO_POST
assessment_form                       GET  L   404 404 404 404 200 200 404 404 404 404 404 M
assessment_form                       POST L   404 404 404 404 302 302 404 404 404 404 404 M
assessment_history                    GET  L   404 404 404 404 404 404 404 404 404 404 200 M
assessment_history                    POST NO_POST
assessment_queue                      GET  L   403 403 200 200 200 200 403 403 200 200 403 M
assessment_queue                      POST NO_POST
assessment_reconcile                  GET  L   404 404 404 404 404 404 404 404 404 404 404 M
assessment_reconcile                  POST L   404 404 404 404 404 404 404 404 404 404 404 M
assessment_release                    GET  NO_POST
assessment_release                    POST L   404 404 404 404 302 302 404 404 404 404 302 M
assessment_submit                     GET  NO_POST
assessment_submit                     POST L   404 404 404 404 400 400 404 404 404 404 403 M
competency                            GET  L   200 200 200 200 200 200 200 200 404 404 200 M
competency                            POST NO_POST
competency_create                     GET  L   403 403 403 403 403 403 403 403 403 403 200 M
competency_create                     POST L   403 403 403 403 403 403 403 403 403 403 400 M
competency_delete                     GET  NO_POST
competency_delete                     POST L   403 403 403 403 403 403 403 403 403 403 302 M
competency_edit                       GET  L   403 403 403 403 403 403 403 403 403 403 200 M
competency_edit                       POST L   403 403 403 403 403 403 403 403 403 403 400 M
engagement_create                     GET  L   200 200 404 404 404 404 404 404 404 404 404 M
engagement_create                     POST L   200 200 404 404 404 404 404 404 404 404 404 M
engagement_detail                     GET  L   200 404 200 404 200 200 200 404 404 404 200 M
engagement_detail                     POST NO_POST
engagement_edit                       GET  L   200 404 403 404 403 403 403 404 404 404 403 M
engagement_edit                       POST L   200 404 403 404 403 403 403 404 404 404 403 M
engagement_list                       GET  L   200 200 404 404 404 404 404 404 404 404 404 M
engagement_list                       POST NO_POST
engagement_list_student               GET  L   200 404 200 404 200 200 200 404 404 404 200 M
engagement_list_student               POST NO_POST
evidence_create                       GET  L   200 200 404 404 404 404 404 404 404 404 404 M
evidence_create                       POST L   400 400 404 404 404 404 404 404 404 404 404 M
evidence_delete                       GET  NO_POST
evidence_delete                       POST L   302 404 403 404 403 403 403 404 404 404 403 M
evidence_detail                       GET  L   200 404 200 404 200 200 200 404 404 404 200 M
evidence_detail                       POST NO_POST
evidence_download                     GET  L   200 404 200 404 200 200 200 404 404 404 200 M
evidence_download                     POST NO_POST
evidence_edit                         GET  L   200 404 403 404 403 403 403 404 404 404 403 M
evidence_edit                         POST L   400 404 403 404 403 403 403 404 404 404 403 M
evidence_feedback_ask                 GET  L   200 404 403 404 403 403 403 404 404 404 403 M
evidence_feedback_ask                 POST L   400 404 403 404 403 403 403 404 404 404 403 M
evidence_list                         GET  L   200 200 404 404 404 404 404 404 404 404 404 M
evidence_list                         POST NO_POST
evidence_student_list                 GET  L   200 404 200 404 200 200 200 404 404 404 200 M
evidence_student_list                 POST NO_POST
export                                GET  L   403 403 403 403 403 403 403 403 403 403 200 M
export                                POST NO_POST
feedback_answer                       GET  200 200 200 200 200 200 200 200 200 200 200 200 M
feedback_answer                       POST 400 403 400 400 400 400 400 400 400 400 400 400 M
feedback_close                        GET  NO_POST
feedback_close                        POST L   302 404 302 404 404 404 404 404 404 404 403 M
feedback_create                       GET  L   200 200 404 404 404 404 404 404 404 404 404 M
feedback_create                       POST L   200 200 404 404 404 404 404 404 404 404 404 M
feedback_created                      GET  L   302 404 403 404 403 403 403 404 404 404 403 M
feedback_created                      POST NO_POST
feedback_list                         GET  L   200 200 404 404 404 404 404 404 404 404 404 M
feedback_list                         POST NO_POST
feedback_reply                        GET  NO_POST
feedback_reply                        POST L   400 404 400 404 404 404 404 404 404 404 403 M
feedback_revoke                       GET  NO_POST
feedback_revoke                       POST L   302 404 403 404 403 403 403 404 404 404 403 M
feedback_student_list                 GET  L   200 404 200 404 200 200 200 404 404 404 200 M
feedback_student_list                 POST NO_POST
feedback_thread                       GET  L   200 404 200 404 404 404 404 404 404 404 200 M
feedback_thread                       POST NO_POST
feedback_threads                      GET  L   200 200 200 200 200 200 200 200 200 200 200 M
feedback_threads                      POST NO_POST
framework                             GET  L   200 200 200 200 200 200 200 200 404 404 200 M
framework                             POST NO_POST
hours_export                          GET  L   200 200 404 404 404 404 404 404 404 404 404 M
hours_export                          POST NO_POST
hours_export_student                  GET  L   200 404 200 404 200 200 200 404 404 404 200 M
hours_export_student                  POST NO_POST
hours_ledger                          GET  L   200 200 404 404 404 404 404 404 404 404 404 M
hours_ledger                          POST NO_POST
hours_ledger_student                  GET  L   200 404 200 404 200 200 200 404 404 404 200 M
hours_ledger_student                  POST NO_POST
import                                GET  L   403 403 403 403 403 403 403 403 403 403 200 M
import                                POST L   403 403 403 403 403 403 403 403 403 403 200 M
level_create                          GET  L   403 403 403 403 403 403 403 403 403 403 200 M
level_create                          POST L   403 403 403 403 403 403 403 403 403 403 400 M
level_edit                            GET  L   403 403 403 403 403 403 403 403 403 403 200 M
level_edit                            POST L   403 403 403 403 403 403 403 403 403 403 400 M
log                                   GET  L   200 200 404 404 404 404 404 404 404 404 404 M
log                                   POST NO_POST
log_activity                          GET  L   200 404 200 404 200 200 200 404 404 404 200 M
log_activity                          POST NO_POST
log_activity_delete                   GET  L   200 404 403 404 403 403 403 404 404 404 403 M
log_activity_delete                   POST L   302 404 403 404 403 403 403 404 404 404 403 M
log_activity_duplicate                GET  NO_POST
log_activity_duplicate                POST L   302 404 403 404 403 403 403 404 404 404 403 M
log_activity_edit                     GET  L   200 404 403 404 403 403 403 404 404 404 403 M
log_activity_edit                     POST L   200 404 403 404 403 403 403 404 404 404 403 M
log_create                            GET  L   200 200 404 404 404 404 404 404 404 404 404 M
log_create                            POST L   200 200 404 404 404 404 404 404 404 404 404 M
log_quick_add                         GET  NO_POST
log_quick_add                         POST L   400 400 404 404 404 404 404 404 404 404 404 M
log_student                           GET  L   200 404 200 404 200 200 200 404 404 404 200 M
log_student                           POST NO_POST
log_week                              GET  L   200 200 404 404 404 404 404 404 404 404 404 M
log_week                              POST NO_POST
log_week_student                      GET  L   200 404 200 404 200 200 200 404 404 404 200 M
log_week_student                      POST NO_POST
map                                   GET  L   200 200 200 200 200 200 200 200 404 404 200 M
map                                   POST NO_POST
map_cell                              GET  L   403 403 403 403 403 403 403 403 403 403 200 M
map_cell                              POST L   403 403 403 403 403 403 403 403 403 403 200 M
mapping                               GET  L   302 302 302 302 302 302 302 302 404 404 302 M
mapping                               POST NO_POST
mapping_edit                          GET  L   403 403 403 403 403 403 403 403 403 403 404 M
mapping_edit                          POST L   403 403 403 403 403 403 403 403 403 403 404 M
portfolio                             GET  L   200 404 200 404 200 200 200 404 404 404 200 M
portfolio                             POST NO_POST
portfolio_entry                       GET  L   302 404 302 404 302 302 302 404 404 404 302 M
portfolio_entry                       POST L   302 404 403 404 403 403 403 404 404 404 403 M
portfolio_feedback_ask                GET  L   200 404 403 404 403 403 403 404 404 404 403 M
portfolio_feedback_ask                POST L   400 404 403 404 403 403 403 404 404 404 403 M
portfolio_overall                     GET  NO_POST
portfolio_overall                     POST L   302 404 403 404 403 403 403 404 404 404 403 M
portfolio_snapshot                    GET  L   200 404 200 404 200 200 200 404 404 404 200 M
portfolio_snapshot                    POST NO_POST
portfolio_snapshot_file               GET  L   200 404 200 404 200 200 200 404 404 404 200 M
portfolio_snapshot_file               POST NO_POST
portfolio_start                       GET  NO_POST
portfolio_start                       POST L   302 302 404 404 404 404 404 404 404 404 404 M
portfolio_submit                      GET  NO_POST
portfolio_submit                      POST L   302 404 403 404 403 403 403 404 404 404 403 M
portfolio_withdraw                    GET  NO_POST
portfolio_withdraw                    POST L   302 404 403 404 403 403 403 404 404 404 403 M
portfolios                            GET  L   200 200 404 404 404 404 404 404 404 404 404 M
portfolios                            POST NO_POST
portfolios_of_student                 GET  L   200 404 200 404 200 200 200 404 404 404 200 M
portfolios_of_student                 POST NO_POST
profile_create                        GET  L   403 403 403 403 403 403 403 403 403 403 200 M
profile_create                        POST L   403 403 403 403 403 403 403 403 403 403 400 M
profile_edit                          GET  L   403 403 403 403 403 403 403 403 403 403 200 M
profile_edit                          POST L   403 403 403 403 403 403 403 403 403 403 400 M
review_targets                        GET  L   403 403 403 403 403 403 403 403 403 403 200 M
review_targets                        POST L   403 403 403 403 403 403 403 403 403 403 200 M
version_copy                          GET  L   403 403 403 403 403 403 403 403 403 403 200 M
version_copy                          POST L   403 403 403 403 403 403 403 403 403 403 200 M
version_create                        GET  L   403 403 403 403 403 403 403 403 403 403 200 M
version_create                        POST L   403 403 403 403 403 403 403 403 403 403 200 M
"""
