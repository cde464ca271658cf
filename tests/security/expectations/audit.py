"""The administrator's audit view."""

NAMESPACE = "audit"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
log                                   GET  L   403 403 403 403 403 403 403 403 403 403 200 M
log                                   POST NO_POST
"""
