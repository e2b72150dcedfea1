"""A flag in words, in the reader's language: its rule's name and one sentence of its figures
(the console, the API's `summary`, the export)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.models import Category, Unit
from market.money import format_rupiah
from vendors.matching import SHARED_LABELS

RULES = {
    "vendor_window": gettext_lazy("orders to one vendor within the window"),
    "category_window": gettext_lazy("orders of one category within the window"),
    "vendor_category_year": gettext_lazy("one vendor and category over the year"),
    "ceiling": gettext_lazy("just under the direct-purchase ceiling"),
    "approval_threshold": gettext_lazy("just under the automatic-approval threshold"),
    "vendor_share": gettext_lazy("one vendor's share of the department's spend"),
    "index": gettext_lazy("concentration index of the department's spend"),
    "quartiles": gettext_lazy("above the prices paid"),
    "catalogue": gettext_lazy("above the catalogue's prices"),
    **SHARED_LABELS,
    "member": gettext_lazy("a member of the vendor"),
}


def rule_label(rule: str) -> str:
    return ", ".join(str(RULES.get(part, part)) for part in rule.split("+"))


def category_names(flags) -> dict[str, str]:
    """{slug: name} of the categories these flags name (one query)."""
    slugs = {flag.figures.get("category") for flag in flags} - {None}
    return {c.slug: c.display_name for c in Category.objects.filter(slug__in=slugs)}


def summary(flag, categories: dict[str, str]) -> str:
    f = flag.figures
    vendor = flag.vendor.display_name if flag.vendor_id else ""
    category = categories.get(f.get("category"), f.get("category", ""))
    rupiah = format_rupiah
    if flag.rule == "vendor_window":
        return _(
            "%(orders)s orders to %(vendor)s within %(days)s days, %(total)s together; each at "
            "or under the ceiling of %(ceiling)s."
        ) % {
            "orders": f["orders"],
            "vendor": vendor,
            "days": f["window_days"],
            "total": rupiah(f["total"]),
            "ceiling": rupiah(f["ceiling"]),
        }
    if flag.rule == "category_window":
        return _(
            "%(orders)s orders of %(category)s within %(days)s days, %(total)s together; each "
            "order at or under the ceiling of %(ceiling)s."
        ) % {
            "orders": f["orders"],
            "category": category,
            "days": f["window_days"],
            "total": rupiah(f["total"]),
            "ceiling": rupiah(f["ceiling"]),
        }
    if flag.rule == "vendor_category_year":
        return _(
            "%(orders)s orders of %(category)s from %(vendor)s this fiscal year, %(total)s "
            "together; each order at or under the ceiling of %(ceiling)s."
        ) % {
            "orders": f["orders"],
            "category": category,
            "vendor": vendor,
            "total": rupiah(f["total"]),
            "ceiling": rupiah(f["ceiling"]),
        }
    if flag.indicator == "bunching":
        return _(
            "%(orders)s orders between %(low)s and %(threshold)s (%(least)s or more in a year "
            "raise a flag)."
        ) % {
            "orders": f["orders"],
            "low": rupiah(f["from"]),
            "threshold": rupiah(f["threshold"]),
            "least": f["least_orders"],
        }
    if flag.rule == "vendor_share":
        return _(
            "%(vendor)s received %(share)s %% of the department's paid spend (%(paid)s of "
            "%(whole)s); the line is %(line)s %%."
        ) % {
            "vendor": vendor,
            "share": f["share"],
            "paid": rupiah(f["paid"]),
            "whole": rupiah(f["department_paid"]),
            "line": f["line"],
        }
    if flag.rule == "index":
        return _(
            "The concentration index of the department's paid spend over %(vendors)s vendors "
            "is %(index)s; above %(line)s is highly concentrated."
        ) % {"vendors": f["vendors"], "index": f["index"], "line": f["line"]}
    if flag.indicator == "market_price":
        unit = Unit(f["unit"]).label if f["unit"] in Unit.values else f["unit"]
        return ngettext(
            "%(lines)s line of %(products)s from %(vendor)s at up to %(price)s per %(unit)s, "
            "above the fence of %(fence)s.",
            "%(lines)s lines of %(products)s from %(vendor)s at up to %(price)s per %(unit)s, "
            "above the fence of %(fence)s.",
            f["lines"],
        ) % {
            "lines": f["lines"],
            "products": ", ".join(f["products"]),
            "vendor": vendor,
            "price": rupiah(f["unit_price"]),
            "unit": unit,
            "fence": rupiah(min(r["fence"] for r in (f["market"], f["catalogue"]) if r)),
        }
    if flag.indicator == "shared_owner":
        return _("%(vendors)s verified vendors share one %(field)s (%(shared)s).") % {
            "vendors": f["vendors"],
            "field": RULES[f["field"]],
            "shared": f["shared"],
        }
    if flag.indicator == "conflict_of_interest":
        people = ", ".join(person["name"] for person in f["staff"])
        return _("%(vendor)s shares %(what)s with the department's staff: %(people)s.") % {
            "vendor": vendor,
            "what": rule_label(flag.rule),
            "people": people,
        }
    return ""
