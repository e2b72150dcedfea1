"""Gapless numbers per department and year: SP/DISDIK/2026/00001, BAST/DISDIK/2026/00001."""

from market.locks import lock_row
from market.models import Department
from orders.models import OrderNumberSequence


def next_number(*, kind: str, department: Department, year: int) -> str:
    """Take the next number inside the caller's transaction; a rollback gives it back."""
    key = {"department": department, "year": year, "kind": kind}
    sequence = OrderNumberSequence.objects.select_for_update(of=("self",)).filter(**key).first()
    if sequence is None:  # the department's first of the year
        sequence, _ = OrderNumberSequence.objects.get_or_create(**key)
        sequence = lock_row(OrderNumberSequence.objects, sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{kind}/{department.code}/{year}/{sequence.last:05d}"
