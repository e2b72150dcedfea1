"""verify_audit: check the audit trail's keyed hash chain against the newest signed checkpoint
held outside the database; exit 1 naming the first broken event."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from market.services.audit import audit_verify_chain
from market.services.audit_checkpoints import Checkpoint, audit_checkpoint_latest


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, and that it still holds the event the newest "
        "signed checkpoint (in the checkpoint log or the private storage) recorded."
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
            help="a checkpoint as published, or a copy of the checkpoint log (its newest is "
            "used), instead of the newest one held by this installation",
        )

    def handle(self, *args, **options):
        if options["checkpoint"]:
            try:
                checkpoint = Checkpoint.newest_in(options["checkpoint"].read_text())
            except (OSError, ValueError) as unreadable:
                raise CommandError(f"{options['checkpoint']}: {unreadable}") from None
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
        against = (
            f", up to the checkpoint #{checkpoint.sequence} of {checkpoint.time}"
            if checkpoint
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events{against}.")
        )
