"""import_products FILE.csv: products of registered vendors, by NIB (see the README)."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand

from catalog.models import Category
from catalog.services import product_create
from market.files.csv_import import RowError, administrator, finish, run_csv_import, whole_number
from vendors.models import Vendor
from vendors.validation import digits_only

REQUIRED = {"vendor_nib", "category", "name", "unit", "unit_price"}


def _decimal(cells: dict, column: str, default: str) -> Decimal:
    try:
        return Decimal(cells.get(column) or default)
    except InvalidOperation:
        raise RowError(column, "not a number") from None


class Command(BaseCommand):
    help = "Import products from a CSV file; nothing is written when any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--by", default="admin", help="the administrator doing the import")

    def handle(self, *args, file, dry_run, by, **options):
        admin = administrator(by)
        categories = {category.slug: category for category in Category.objects.all()}

        def import_row(cells):
            vendor = Vendor.objects.filter(nib=digits_only(cells["vendor_nib"])).first()
            if vendor is None:
                raise RowError("vendor_nib", f"no vendor with NIB {cells['vendor_nib']!r}")
            category = categories.get(cells["category"])
            if category is None:
                raise RowError("category", f"no category {cells['category']!r}")
            price = whole_number(cells, "unit_price")
            stock = cells.get("stock", "")
            product_create(
                vendor=vendor,
                by=admin,
                category=category,
                name=cells["name"],
                description=cells.get("description", ""),
                unit=cells["unit"],
                unit_price=price if price is not None else 0,
                made_to_order=stock == "",
                stock=_decimal(cells, "stock", "0"),
                lead_time_days=whole_number(cells, "lead_time_days") or 0,
                minimum_order=_decimal(cells, "minimum_order", "1"),
                tkdn_percent=_decimal(cells, "tkdn_percent", "0"),
            )

        report = run_csv_import(
            path=file, required=REQUIRED, import_row=import_row, dry_run=dry_run
        )
        finish(self, report, dry_run=dry_run, noun="products")
