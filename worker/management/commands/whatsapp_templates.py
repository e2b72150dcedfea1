"""Print the WhatsApp message templates to register for the regency's business number (JSON,
one object per template, as WhatsApp Manager's API takes them)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from worker.whatsapp_templates import template_definitions


class Command(BaseCommand):
    help = "Print the WhatsApp templates to register, in every language of the site (JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=None
        )

    def handle(self, *args, language, **options):
        languages = [language] if language else [code for code, _name in settings.LANGUAGES]
        found = [item for code in languages for item in template_definitions(code)]
        self.stdout.write(json.dumps(found, ensure_ascii=False, indent=2))
