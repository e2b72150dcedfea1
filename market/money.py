"""Money is whole rupiah in integers; this is where it is rounded and written for people."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


def round_rupiah(amount: Decimal | int) -> int:
    """Round a computed amount (quantity times price) half-up to a whole rupiah, once."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_rupiah(amount: int | Decimal | None) -> str:
    """1250000 -> 'Rp1.250.000'; negative amounts keep their sign in front: '-Rp5.000'."""
    if amount is None or amount == "":
        return ""
    whole = round_rupiah(amount)
    digits = f"{abs(whole):,}".replace(",", ".")
    return f"{'-' if whole < 0 else ''}Rp{digits}"


class RupiahField(models.BigIntegerField):
    """Whole rupiah. A plain big integer, named so that a reader knows the unit."""

    description = _("Amount in whole rupiah")
