"""Permissions for programme administrators in Django's admin.

Programme administrators manage the programme's own data through the admin, without being
superusers: they get every model permission of the project's apps and of allauth's e-mail
addresses, but nothing of Django's own auth groups and permissions.
"""

from django.contrib.auth.backends import BaseBackend

MANAGED_APP_LABELS = frozenset(
    {"accounts", "account", "curriculum", "cohorts", "competencies", "thesis", "reports"}
)


def _is_programme_admin(user_obj) -> bool:
    return bool(user_obj.is_active and getattr(user_obj, "is_programme_admin", False))


class ProgrammeAdminBackend(BaseBackend):
    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return _is_programme_admin(user_obj) and perm.split(".", 1)[0] in MANAGED_APP_LABELS

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return _is_programme_admin(user_obj) and app_label in MANAGED_APP_LABELS
