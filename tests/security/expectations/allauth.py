"""allauth: login, e-mail, passwords, MFA (TOTP, WebAuthn, recovery codes), sessions,
third-party (SURFconext through OpenID Connect) pages. The MFA and re-authentication pages
answer a force-logged-in session with a redirect to re-authenticate first; the WebAuthn
pages get the id of a TOTP authenticator, which nobody may edit or remove as a key."""

TABLE = """
# url                                 meth ano stu oth lec ole exB exA sup osu rdr eth adm nomfa
account_change_password               GET  L   200 200 200 200 200 200 200 200 200 200 200 M
account_change_password               POST L   200 200 200 200 200 200 200 200 200 200 200 M
account_confirm_email                 GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_confirm_email                 POST L   302 L   L   L   L   L   L   L   L   L   L   L
account_confirm_login_code            GET  L   302 302 302 302 302 302 302 302 302 302 302 302
account_confirm_login_code            POST L   302 302 302 302 302 302 302 302 302 302 302 302
account_confirm_reauthentication_code GET  L   302 302 302 302 302 302 302 302 302 302 302 302
account_confirm_reauthentication_code POST L   302 302 302 302 302 302 302 302 302 302 302 302
account_email                         GET  L   200 200 200 200 200 200 200 200 200 200 200 200
account_email                         POST L   302 302 302 302 302 302 302 302 302 302 302 302
account_email_verification_sent       GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_email_verification_sent       POST 405 405 405 405 405 405 405 405 405 405 405 405 405
account_inactive                      GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_inactive                      POST 405 405 405 405 405 405 405 405 405 405 405 405 405
account_login                         GET  200 302 302 302 302 302 302 302 302 302 302 302 302
account_login                         POST 200 302 302 302 302 302 302 302 302 302 302 302 302
account_logout                        GET  L   200 200 200 200 200 200 200 200 200 200 200 200
account_logout                        POST L   L   L   L   L   L   L   L   L   L   L   L   L
account_reauthenticate                GET  L   200 200 200 200 200 200 200 200 200 200 200 200
account_reauthenticate                POST L   200 200 200 200 200 200 200 200 200 200 200 200
account_request_reauthentication_code GET  L   200 200 200 200 200 200 200 200 200 200 200 200
account_request_reauthentication_code POST L   200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password                GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password                POST 200 200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password_done           GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password_done           POST 405 405 405 405 405 405 405 405 405 405 405 405 405
account_reset_password_from_key       GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password_from_key       POST 200 200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password_from_key_done  GET  200 200 200 200 200 200 200 200 200 200 200 200 200
account_reset_password_from_key_done  POST 405 405 405 405 405 405 405 405 405 405 405 405 405
account_set_password                  GET  L   302 302 302 302 302 302 302 302 302 302 302 M
account_set_password                  POST L   302 302 302 302 302 302 302 302 302 302 302 M
account_signup                        GET  200 302 302 302 302 302 302 302 302 302 302 302 302
account_signup                        POST 200 302 302 302 302 302 302 302 302 302 302 302 302
accounts/social/connections/          GET  301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/connections/          POST 301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/login/cancelled/      GET  301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/login/cancelled/      POST 301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/login/error/          GET  301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/login/error/          POST 301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/signup/               GET  301 301 301 301 301 301 301 301 301 301 301 301 M
accounts/social/signup/               POST 301 301 301 301 301 301 301 301 301 301 301 301 M
mfa_activate_totp                     GET  L   M   302 302 302 302 302 302 302 302 302 302 302
mfa_activate_totp                     POST L   M   302 302 302 302 302 302 302 302 302 302 302
mfa_add_webauthn                      GET  L   M   302 302 302 302 302 302 302 302 302 302 302
mfa_add_webauthn                      POST L   M   302 302 302 302 302 302 302 302 302 302 302
mfa_authenticate                      GET  L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_authenticate                      POST L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_deactivate_totp                   GET  L   404 404 302 302 302 302 302 302 302 302 302 404
mfa_deactivate_totp                   POST L   404 404 302 302 302 302 302 302 302 302 302 404
mfa_download_recovery_codes           GET  L   404 404 404 404 404 404 404 404 404 404 404 404
mfa_download_recovery_codes           POST L   404 404 404 404 404 404 404 404 404 404 404 404
mfa_edit_webauthn                     GET  L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_edit_webauthn                     POST L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_generate_recovery_codes           GET  L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_generate_recovery_codes           POST L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_index                             GET  L   200 200 200 200 200 200 200 200 200 200 200 200
mfa_index                             POST L   405 405 405 405 405 405 405 405 405 405 405 405
mfa_list_webauthn                     GET  L   200 200 200 200 200 200 200 200 200 200 200 200
mfa_list_webauthn                     POST L   405 405 405 405 405 405 405 405 405 405 405 405
mfa_reauthenticate                    GET  L   302 302 200 200 200 200 200 200 200 200 200 302
mfa_reauthenticate                    POST L   302 302 200 200 200 200 200 200 200 200 200 302
mfa_reauthenticate_webauthn           GET  L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_reauthenticate_webauthn           POST L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_remove_webauthn                   GET  L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_remove_webauthn                   POST L   302 302 302 302 302 302 302 302 302 302 302 302
mfa_view_recovery_codes               GET  L   404 404 404 404 404 404 404 404 404 404 404 404
mfa_view_recovery_codes               POST L   405 405 405 405 405 405 405 405 405 405 405 405
openid_connect_callback               GET  404 404 404 404 404 404 404 404 404 404 404 404 404
openid_connect_callback               POST 404 404 404 404 404 404 404 404 404 404 404 404 404
openid_connect_login                  GET  404 404 404 404 404 404 404 404 404 404 404 404 404
openid_connect_login                  POST 404 404 404 404 404 404 404 404 404 404 404 404 404
socialaccount_connections             GET  L   200 200 200 200 200 200 200 200 200 200 200 M
socialaccount_connections             POST L   200 200 200 200 200 200 200 200 200 200 200 M
socialaccount_login_cancelled         GET  200 200 200 200 200 200 200 200 200 200 200 200 200
socialaccount_login_cancelled         POST 405 405 405 405 405 405 405 405 405 405 405 405 405
socialaccount_login_error             GET  401 401 401 401 401 401 401 401 401 401 401 401 M
socialaccount_login_error             POST NO_POST
socialaccount_signup                  GET  L   L   L   L   L   L   L   L   L   L   L   L   L
socialaccount_signup                  POST L   L   L   L   L   L   L   L   L   L   L   L   L
usersessions_list                     GET  L   200 200 200 200 200 200 200 200 200 200 200 M
usersessions_list                     POST L   302 302 302 302 302 302 302 302 302 302 302 M
"""
