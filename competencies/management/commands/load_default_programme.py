from django.core.management.base import BaseCommand

from competencies.defaults import load_default_programme


class Command(BaseCommand):
    help = "Load the default programme, curriculum version and competency framework (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--version-name", help="Name of the version to create (default: 2025)."
        )
        parser.add_argument(
            "--draft", action="store_true", help="Leave the version as a draft instead of active."
        )

    def handle(self, *args, version_name=None, draft=False, **options):
        version = load_default_programme(version_name=version_name, activate=not draft)
        framework = version.framework
        self.stdout.write(
            f"{version}: {version.status}, "
            f"{sum(year.periods.count() for year in version.years.all())} periods, "
            f"{framework.competencies.count()} competencies."
        )
