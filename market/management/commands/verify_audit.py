"""verify_audit: check the audit trail's hash chain; exit 1 naming the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from market.services.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.broken_sequence}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
