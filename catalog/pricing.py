"""The most one unit of a product may cost: what a direct purchase may cost in all.

The ceiling is procurement's policy for the current fiscal year (Perpres 12/2021: Rp200 juta
for goods), and the catalogue may not import procurement (imports flow one way), so procurement
tells the catalogue where to read it when the apps start (ProcurementConfig.ready).
"""

from collections.abc import Callable

from market.bounds import MAX_RUPIAH

_ceiling_source: Callable[[], int] = lambda: MAX_RUPIAH  # noqa: E731 (until procurement says)


def register_price_ceiling(source: Callable[[], int]) -> None:
    global _ceiling_source
    _ceiling_source = source


def price_ceiling() -> int:
    return min(_ceiling_source(), MAX_RUPIAH)
