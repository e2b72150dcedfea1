"""`manage.py serve_check`: refuse to start production with development settings, saying why."""

from django.core.management.base import BaseCommand, CommandError

from pasar.production import production_problems


class Command(BaseCommand):
    help = "Check that the settings are fit for production (make serve runs it first)."

    def handle(self, *args, **options):
        problems = production_problems()
        if problems:
            raise CommandError(
                "Not starting:\n" + "\n".join(f"  - {problem}" for problem in problems)
            )
        self.stdout.write("Production settings: fine.")
