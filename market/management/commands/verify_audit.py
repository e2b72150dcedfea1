"""verify_audit: check the audit trail's keyed hash chain against the last signed checkpoint;
exit 1 naming the first broken event."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from market.services.audit import audit_verify_chain
from market.services.audit_checkpoints import Checkpoint, audit_checkpoint_latest


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, and that it still holds the event the latest "
        "signed checkpoint recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since-checkpoint",
            action="store_true",
            help="start at the checkpoint's event instead of the first one",
        )
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help="a checkpoint file (as published) instead of the latest one in storage",
        )

    def handle(self, *args, **options):
        if options["checkpoint"]:
            checkpoint = Checkpoint.from_json(options["checkpoint"].read_text())
        else:
            checkpoint = audit_checkpoint_latest()
        if options["since_checkpoint"] and checkpoint is None:
            raise CommandError("No checkpoint yet: run without --since-checkpoint.")
        report = audit_verify_chain(checkpoint=checkpoint, since=options["since_checkpoint"])
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.broken_sequence}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        against = f", up to the checkpoint #{checkpoint.sequence}" if checkpoint else ""
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events{against}.")
        )
