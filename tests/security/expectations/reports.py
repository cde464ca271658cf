"""Report jobs: the list, asking (POST), the job page, the download and retry."""

NAMESPACE = "reports"

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
download                              GET  L   200 404 200 404 200 200 200 404 404 404 200 M
download                              POST NO_POST
job                                   GET  L   200 404 200 404 200 200 200 404 404 404 200 M
job                                   POST NO_POST
list                                  GET  L   200 200 200 200 200 200 200 200 200 200 200 M
list                                  POST NO_POST
request                               GET  NO_POST
request                               POST L   302 404 302 404 302 302 302 404 404 404 302 M
retry                                 GET  NO_POST
retry                                 POST L   302 404 302 404 302 302 302 404 404 404 302 M
"""
