from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Holds ``seed_demo``: it builds data across every app, so it sits above them all."""

    name = "coachmaster.demo"
    label = "demo"
    verbose_name = _("Demo data")
