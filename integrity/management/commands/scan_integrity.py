"""`manage.py scan_integrity [--year 2026]`: run every red-flag indicator now and say what it
found (the nightly task does the same for the current fiscal year)."""

from django.core.management.base import BaseCommand, CommandError

from integrity.services import scan_request, scan_run
from procurement.models import FiscalYear
from procurement.selectors import fiscal_year_current


class Command(BaseCommand):
    help = "Scan a fiscal year's orders and ledger for integrity red flags."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the fiscal year (default: the current one)")

    def handle(self, *args, year=None, **options):
        if year:
            fiscal_year = FiscalYear.objects.filter(year=year).first()
        else:
            fiscal_year = fiscal_year_current()
        if fiscal_year is None:
            raise CommandError("There is no such fiscal year." if year else "No year is open.")
        scan = scan_run(scan_id=scan_request(by=None, fiscal_year=fiscal_year).pk)
        if scan.status != scan.Status.DONE:
            raise CommandError(f"The scan {scan.pk} {scan.status}: {scan.error}")
        self.stdout.write(
            f"Scan {scan.pk} of {fiscal_year.year}: {scan.raised} flags raised, "
            f"{scan.extended} added to."
        )
