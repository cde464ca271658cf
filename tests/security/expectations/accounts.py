"""CoachMaster's own account pages: role switch, language, preferences, invitations."""

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
preferences                           GET  L   200 200 200 200 200 200 200 200 200 200 200 M
preferences                           POST L   200 200 200 200 200 200 200 200 200 200 200 M
resend_invitation                     GET  NO_POST
resend_invitation                     POST L   403 403 403 403 403 403 403 403 403 403 302 M
set_language                          GET  405 405 405 405 405 405 405 405 405 405 405 405 405
set_language                          POST 400 400 400 400 400 400 400 400 400 400 400 400 400
switch_role                           GET  NO_POST
switch_role                           POST L   400 400 400 400 400 400 400 400 400 400 400 M
"""
