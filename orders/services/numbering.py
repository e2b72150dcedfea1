"""Gapless numbers per department and year: SP/DISDIK/2026/00001, BAST/DISDIK/2026/00001."""

from market.locks import lock_row
from market.models import Department
from orders.models import OrderNumberSequence


def next_number(*, kind: str, department: Department, year: int) -> str:
    """Take the next number inside the caller's transaction; a rollback gives it back."""
    sequence, _ = OrderNumberSequence.objects.get_or_create(
        department=department, year=year, kind=kind
    )
    sequence = lock_row(OrderNumberSequence.objects, sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{kind}/{department.code}/{year}/{sequence.last:05d}"
