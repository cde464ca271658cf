from .access import active_role, can_use_admin_site, dashboard_url
from .models import Role


def roles(request) -> dict:
    """The active role and the roles one may switch to, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = active_role(request)
    return {
        "active_role": current,
        "active_role_label": Role(current).label if current else "",
        "user_roles": [(role, Role(role).label) for role in user.roles],
        "active_dashboard_url": dashboard_url(current) if current else "",
        "can_use_admin_site": can_use_admin_site(user),
    }
