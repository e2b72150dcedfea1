"""How the audit page reads a rating's events (market.audit_words)."""

from django.utils.translation import gettext_lazy as _

# The names of what rating events keep besides the rating's own fields.
FIELDS = {
    "order": _("order"),
    "vendor_rollup": _("the vendor's ratings (count and sums)"),
}

SUMMARIES = {
    "rating.give": _("Vendor rated after delivery"),
    "rating.change": _("Rating changed by its author"),
    "rating.answer": _("Rating answered by the vendor"),
}


def summary(event) -> str:
    return str(SUMMARIES.get(event.action, ""))
