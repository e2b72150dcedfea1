"""The most one unit of a product may cost: what a direct purchase may cost in all.

The ceiling is procurement's policy for the current fiscal year (Perpres 12/2021: Rp200 juta
for goods), and the catalogue may not import procurement (imports flow one way): the project's
settings name where to read it (PRICE_CEILING, wired by the shell). Without it, the largest
amount the marketplace records.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from market.bounds import MAX_RUPIAH


def price_ceiling() -> int:
    source = settings.PRICE_CEILING
    return min(import_string(source)(), MAX_RUPIAH) if source else MAX_RUPIAH
