"""Demo budgets: the current fiscal year's goods budget lines for every demo department."""

from django.utils import timezone

from procurement.models import BudgetLine
from procurement.services import budget_line_create, fiscal_year_open

# account code (Permendagri 90 style), name, allocation per department in rupiah
LINES = [
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", 150_000_000),
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor", 120_000_000),
    ("5.1.02.01.01.0012", "Belanja Bahan Pokok (beras ASN)", 900_000_000),
    ("5.1.02.01.01.0029", "Belanja Pakaian Dinas dan Seragam", 250_000_000),
]


def seed(context: dict) -> None:
    admin = context.get("admin")
    fiscal_year = fiscal_year_open(year=timezone.localdate().year, by=admin)
    existing = set(
        BudgetLine.objects.filter(fiscal_year=fiscal_year).values_list(
            "department__code", "account_code"
        )
    )
    for department in context["departments"].values():
        for account_code, name, allocated in LINES:
            if (department.code, account_code) not in existing:
                budget_line_create(
                    department=department,
                    fiscal_year=fiscal_year,
                    account_code=account_code,
                    name=name,
                    allocated=allocated,
                    by=admin,
                )
    context["fiscal_year"] = fiscal_year
