from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coachmaster.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import security_events
        from .middleware import record_login_time

        # Every login path (password, MFA, SURFconext, the admin, tests) ends in Django's login().
        user_logged_in.connect(record_login_time, dispatch_uid="coachmaster_record_login_time")
        user_logged_in.connect(security_events.logged_in, dispatch_uid="coachmaster_log_login")
        user_logged_out.connect(security_events.logged_out, dispatch_uid="coachmaster_log_logout")
        user_login_failed.connect(
            security_events.login_failed, dispatch_uid="coachmaster_log_login_failed"
        )
