"""The red-flag indicators, one module each (its rule in its docstring and the README), every
one a function of a scan's scope (integrity.indicators.base.Scope) returning its findings."""

from integrity.indicators import (
    bunching,
    concentration,
    conflict_of_interest,
    market_price,
    shared_owner,
    split_purchase,
)

# In the order a scan runs them (its progress counts them).
INDICATORS = (
    split_purchase.by_vendor,
    split_purchase.by_category,
    split_purchase.by_vendor_and_category_in_year,
    bunching.under_ceiling,
    bunching.under_approval_threshold,
    concentration.vendor_share,
    concentration.index,
    market_price.prices_far_from_market,
    shared_owner.shared_contacts,
    conflict_of_interest.staff_contacts,
)
