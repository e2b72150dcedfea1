"""Gapless numbers per department and year: SP/DISDIK/2026/00001, BAST/DISDIK/2026/00001."""

from market.models import Department
from orders.models import OrderNumberSequence


def next_number(*, kind: str, department: Department, year: int) -> str:
    """Take the next number inside the caller's transaction; a rollback gives it back."""
    OrderNumberSequence.objects.get_or_create(department=department, year=year, kind=kind)
    sequence = OrderNumberSequence.objects.select_for_update().get(
        department=department, year=year, kind=kind
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{kind}/{department.code}/{year}/{sequence.last:05d}"
