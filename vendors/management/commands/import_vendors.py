"""import_vendors FILE.csv: vendors from the districts' UMKM data collection (see the README)."""

from django.core.management.base import BaseCommand

from market.files.csv_import import (
    RowError,
    administrator,
    finish,
    run_csv_import,
    whole_number,
    yes_no,
)
from market.models import Village
from vendors.services import OUTSIDE_REGENCY, vendor_import

REQUIRED = {
    "legal_name",
    "nib",
    "npwp",
    "contact_person",
    "phone",
    "email",
    "address",
    "village",
    "bank_name",
    "bank_account_number",
}


class Command(BaseCommand):
    help = "Import vendors from a CSV file; nothing is written when any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--verify", action="store_true", help="mark imported vendors verified")
        parser.add_argument("--by", default="admin", help="the administrator doing the import")

    def handle(self, *args, file, dry_run, verify, by, **options):
        admin = administrator(by)
        villages = {village.code: village for village in Village.objects.all()}

        def import_row(cells):
            code = cells.get("village", "")
            if code and code not in villages:
                raise RowError("village", f"no village with code {code!r}")
            vendor_import(
                by=admin,
                verify=verify,
                legal_name=cells["legal_name"],
                trading_name=cells.get("trading_name", ""),
                nib=cells["nib"],
                npwp=cells["npwp"],
                contact_person=cells["contact_person"],
                phone=cells["phone"],
                email=cells["email"],
                address=cells["address"],
                village=villages[code] if code else OUTSIDE_REGENCY,
                is_cooperative=yes_no(cells, "cooperative"),
                is_women_led=yes_no(cells, "women_led"),
                declared_capital=whole_number(cells, "capital"),
                declared_annual_sales=whole_number(cells, "annual_sales"),
                declared_scale=cells.get("scale", ""),
                bank_name=cells["bank_name"],
                bank_account_number=cells["bank_account_number"],
                bank_account_holder=cells.get("bank_account_holder", ""),
            )

        report = run_csv_import(
            path=file, required=REQUIRED, import_row=import_row, dry_run=dry_run
        )
        finish(self, report, dry_run=dry_run, noun="vendors")
