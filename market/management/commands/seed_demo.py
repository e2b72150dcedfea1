"""seed_demo: fill the database with the demo's organisation, people, budgets (and, as the
apps grow, vendors, products and orders). Safe to run again: every seed is idempotent."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from market.services.audit import audit_head_sign
from market.transactions import action_scope


class Command(BaseCommand):
    help = "Seed the demo data (idempotent)."

    def handle(self, *args, **options):
        context: dict = {}
        # Apps are listed in the order data flows (market <- vendors <- ... <- orders), so each
        # app's seed can use what the earlier ones made, passed along in `context`.
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                with action_scope():  # each app's seed commits once; its services join it
                    import_module(f"{app_config.name}.demo").seed(context)
                self.stdout.write(f"Seeded {app_config.label}.")
        # The transparency page shows the trail's signed head from the start, also where no
        # beat runs to sign it (the demo without Redis).
        audit_head_sign()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
