"""The role router, the dashboards, the health check and the favicon."""

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
admin_dashboard                       GET  L   403 403 403 403 403 403 403 403 403 403 200 M
admin_dashboard                       POST NO_POST
favicon.ico                           GET  301 301 301 301 301 301 301 301 301 301 301 301 301
favicon.ico                           POST 405 405 405 405 405 405 405 405 405 405 405 405 405
health                                GET  200 200 200 200 200 200 200 200 200 200 200 200 200
health                                POST 405 405 405 405 405 405 405 405 405 405 405 405 405
session_health                        GET  L   200 200 200 200 200 200 200 200 200 200 200 M
session_health                        POST 405 405 405 405 405 405 405 405 405 405 405 405 M
home                                  GET  L   302 302 302 302 302 302 302 302 302 302 302 M
home                                  POST NO_POST
lecturer_dashboard                    GET  L   403 403 200 200 200 200 403 403 200 200 403 M
lecturer_dashboard                    POST NO_POST
student_dashboard                     GET  L   200 200 403 403 403 403 403 403 403 403 403 M
student_dashboard                     POST NO_POST
supervisor_dashboard                  GET  L   403 403 403 403 403 403 200 200 403 403 403 M
supervisor_dashboard                  POST NO_POST
"""
