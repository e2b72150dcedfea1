"""Template filter `rupiah`: {{ amount|rupiah }} -> Rp1.250.000 (built into every template)."""

from django import template

from market.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value):
    try:
        return format_rupiah(value)
    except (TypeError, ValueError, ArithmeticError):
        return ""
