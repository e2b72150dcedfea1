"""The taxes on a purchase: what PPN its price holds, what the treasurer (or the marketplace)
collects, and what reaches the vendor. One function, `invoice_taxes`, used by the invoice, the
payment, the documents, the reports and the vendor's preview alike.

It reads only what it is given (the invoice's lines with their categories' tax classes, the
whole order's price excluding PPN, the vendor's tax profile, the payment route and date, the
dated `TaxRules`), so that the orders app computes the same figures wherever it asks. Each
figure comes with the rule that produced it, kept as a code and its facts (`Rule`) so that it
reads in the reader's language; `Taxes.snapshot()` is what an invoice and a payment keep.

Roundings, all to the whole rupiah:
- price excluding PPN = price / (1 + PPN rate * base fraction), rounded down; PPN = price -
  price excluding PPN, so that the three always add up (the rupiah of rounding is PPN's);
- lines are split once per tax class, on the sum of their prices, not line by line;
- income tax = base * rate, rounded down.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import floor

from django.conf import settings

from catalog.models import TaxClass
from procurement.models import TaxRules
from vendors.models import TaxpayerKind, TaxProfileStatus, VendorTaxProfile


class Route:
    """How the department pays: a treasury transfer (SP2D-LS, or UP/GU) or the government card
    (KKP/KKPD)."""

    TREASURY = "treasury"
    CARD = "card"


class IncomeTax:
    PPH22 = "pph22"
    FINAL = "pp55_final"
    NONE = "none"


class Collector:
    TREASURER = "treasurer"
    PLATFORM = "platform"
    NONE = "none"


@dataclass(frozen=True)
class TaxLine:
    """Part of an invoice: what the buyer pays for it (PPN included when the vendor is PKP),
    and its category's tax class."""

    amount: int
    tax_class: str = TaxClass.TAXABLE
    pph22_excluded: bool = False


@dataclass(frozen=True)
class VendorTaxes:
    """What the taxes need of a vendor, as verified."""

    is_pkp: bool = False
    has_tax_number: bool = True  # an NPWP, or a validated NIK, which counts as one
    final_valid_from: datetime.date | None = None  # the PP 55 certificate (Suket)
    final_valid_to: datetime.date | None = None
    # Years for which an individual vendor stated its turnover is within the tax-free limit.
    small_turnover_years: frozenset[int] = frozenset()

    def final_certificate_valid_on(self, day: datetime.date) -> bool:
        """A certificate counts up to and including its last day."""
        return (
            self.final_valid_from is not None
            and self.final_valid_to is not None
            and self.final_valid_from <= day <= self.final_valid_to
        )


@dataclass(frozen=True)
class Rule:
    """Why a figure is what it is: a code (RULE_WORDS) and the facts its words name."""

    code: str
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Taxes:
    gross: int
    price_excluding_ppn: int
    ppn: int
    ppn_collected: int
    income_tax_kind: str
    income_tax_rate: Decimal
    income_tax_base: int
    income_tax: int
    collector: str
    rules_source: str
    rules: tuple[Rule, ...]

    @property
    def collected(self) -> int:
        return self.ppn_collected + self.income_tax

    @property
    def net_to_vendor(self) -> int:
        return self.gross - self.collected

    def snapshot(self) -> dict:
        """What an invoice or payment keeps: a later change of rules or profile never changes
        it."""
        kept = asdict(self)
        kept["income_tax_rate"] = _percent(self.income_tax_rate)
        kept["rules"] = [{"code": rule.code, "facts": rule.facts} for rule in self.rules]
        kept["net_to_vendor"] = self.net_to_vendor
        return kept


def vendor_taxes(vendor) -> VendorTaxes:
    """A vendor's tax profile as the taxes read it: a certificate, a turnover statement and a
    NIK count once an administrator has checked them; PKP counts as declared (its prices
    then hold PPN, checked or not)."""
    try:
        profile = vendor.tax_profile
    except VendorTaxProfile.DoesNotExist:
        return VendorTaxes(has_tax_number=bool(vendor.npwp))
    checked = profile.status == TaxProfileStatus.VERIFIED
    individual = profile.taxpayer_kind == TaxpayerKind.INDIVIDUAL
    return VendorTaxes(
        is_pkp=profile.is_pkp,
        has_tax_number=bool(vendor.npwp) or (checked and bool(profile.nik)),
        final_valid_from=profile.final_valid_from if checked else None,
        final_valid_to=profile.final_valid_to if checked else None,
        small_turnover_years=frozenset(
            {profile.small_turnover_year}
            if checked and individual and profile.small_turnover_year
            else ()
        ),
    )


def rules_on(day: datetime.date) -> TaxRules:
    """The rules in force on `day`: the latest whose `effective_from` is not after it."""
    rules = TaxRules.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rules is None:
        raise TaxRules.DoesNotExist(f"No tax rules in force on {day}.")
    return rules


def _ppn_fraction(rules: TaxRules, tax_class: str) -> Fraction:
    """PPN as a share of the price excluding it."""
    rate = Fraction(rules.ppn_rate) / 100
    if tax_class == TaxClass.LUXURY:
        return rate
    return rate * Fraction(rules.ppn_base_numerator, rules.ppn_base_denominator)


def split_price(amount: int, *, tax_class: str, is_pkp: bool, rules: TaxRules) -> tuple[int, int]:
    """(price excluding PPN, PPN) of what a buyer pays for goods of one tax class."""
    if not is_pkp or tax_class == TaxClass.EXEMPT_STAPLE:
        return amount, 0
    excluding = floor(Fraction(amount) / (1 + _ppn_fraction(rules, tax_class)))
    return excluding, amount - excluding


def price_excluding_ppn(lines: list[TaxLine], *, is_pkp: bool, rules: TaxRules) -> int:
    """The lines' price excluding PPN (the whole order's decides whether tax is collected)."""
    return sum(_by_class(lines, is_pkp=is_pkp, rules=rules)[0].values())


def _by_class(lines: list[TaxLine], *, is_pkp: bool, rules: TaxRules):
    """Per tax class: price excluding PPN, PPN; and the part excluded from PPh 22."""
    totals: dict[str, int] = {}
    excluded: dict[str, int] = {}
    for line in lines:
        totals[line.tax_class] = totals.get(line.tax_class, 0) + line.amount
        if line.pph22_excluded:
            excluded[line.tax_class] = excluded.get(line.tax_class, 0) + line.amount
    excluding, ppn, excluded_excluding = {}, {}, 0
    for tax_class, amount in totals.items():
        excluding[tax_class], ppn[tax_class] = split_price(
            amount, tax_class=tax_class, is_pkp=is_pkp, rules=rules
        )
        if excluded.get(tax_class):
            excluded_excluding += split_price(
                excluded[tax_class], tax_class=tax_class, is_pkp=is_pkp, rules=rules
            )[0]
    return excluding, ppn, excluded_excluding


def _percent(rate) -> str:
    return format(Decimal(rate).normalize(), "f")


def invoice_taxes(
    *,
    lines: list[TaxLine],
    order_price_excluding_ppn: int,
    vendor: VendorTaxes,
    route: str,
    paid_on: datetime.date,
    rules: TaxRules,
) -> Taxes:
    """The taxes on one invoice (or, before there is one, on an order), paid on `paid_on` by
    `route`. Whether anything is collected depends on the whole order's price excluding PPN,
    never on one invoice's or one line's."""
    excluding, ppn_by_class, excluded = _by_class(lines, is_pkp=vendor.is_pkp, rules=rules)
    gross = sum(line.amount for line in lines)
    price, ppn = sum(excluding.values()), sum(ppn_by_class.values())
    said: list[Rule] = [*_ppn_rules(excluding, ppn_by_class, vendor, rules)]
    threshold = rules.collection_threshold
    above = order_price_excluding_ppn > threshold
    final_valid = vendor.final_certificate_valid_on(paid_on)
    stated = paid_on.year in vendor.small_turnover_years
    platform = settings.TAX_PLATFORM_COLLECTS

    collector, ppn_collected = Collector.NONE, 0
    kind, rate, base = IncomeTax.NONE, Decimal(0), 0
    if route == Route.CARD:
        said.append(Rule("collect.card"))
    elif not above and not (final_valid and settings.TAX_FINAL_WITHOUT_PPH22):
        said.append(
            Rule("collect.below", {"base": order_price_excluding_ppn, "threshold": threshold})
        )
    else:
        collector = Collector.PLATFORM if platform else Collector.TREASURER
        said.append(Rule(f"collect.{collector}", {"threshold": threshold}))
        if above:
            ppn_collected = ppn
        if stated:
            said.append(
                Rule(
                    "income.statement",
                    {"year": paid_on.year, "limit": rules.small_turnover_limit},
                )
            )
        elif final_valid:
            kind, rate = IncomeTax.FINAL, rules.final_rate
            # Where PPh 22 would not apply, the 0,5 % only when the setting says so.
            wide = settings.TAX_FINAL_WITHOUT_PPH22
            base = price if wide else (price - excluded if above else 0)
        elif platform:
            kind, rate, base = IncomeTax.PPH22, rules.final_rate, price - excluded
        else:
            kind = IncomeTax.PPH22
            rate = rules.pph22_rate if vendor.has_tax_number else rules.pph22_rate_without_npwp
            base = price - excluded
        if (
            excluded
            and kind != IncomeTax.NONE
            and not (kind == IncomeTax.FINAL and settings.TAX_FINAL_WITHOUT_PPH22)
        ):
            said.append(Rule("income.excluded", {"amount": excluded}))
    income = floor(Fraction(base) * Fraction(rate) / 100) if base > 0 else 0
    if kind != IncomeTax.NONE and income == 0:
        kind, rate, base = IncomeTax.NONE, Decimal(0), 0
    if kind == IncomeTax.FINAL:
        said.append(
            Rule(
                "income.final",
                {
                    "date": paid_on.isoformat(),
                    "rate": _percent(rate),
                    "base": base,
                    "amount": income,
                },
            )
        )
    elif kind == IncomeTax.PPH22:
        code = "income.pph22" if vendor.has_tax_number or platform else "income.pph22_no_npwp"
        said.append(Rule(code, {"rate": _percent(rate), "base": base, "amount": income}))
    if ppn and not ppn_collected:
        said.append(Rule("remit.ppn", {"amount": ppn}))
    if kind == IncomeTax.NONE and not stated:
        said.append(Rule("remit.income"))
    return Taxes(
        gross=gross,
        price_excluding_ppn=price,
        ppn=ppn,
        ppn_collected=ppn_collected,
        income_tax_kind=kind,
        income_tax_rate=Decimal(rate),
        income_tax_base=base,
        income_tax=income,
        collector=collector if (ppn_collected or income) else Collector.NONE,
        rules_source=f"{rules.source} ({rules.effective_from.isoformat()})",
        rules=tuple(said),
    )


def _ppn_rules(excluding: dict, ppn: dict, vendor: VendorTaxes, rules: TaxRules):
    if not vendor.is_pkp:
        yield Rule("ppn.not_pkp")
        return
    for tax_class in (TaxClass.TAXABLE, TaxClass.LUXURY, TaxClass.EXEMPT_STAPLE):
        if tax_class not in excluding:
            continue
        facts = {"base": excluding[tax_class], "ppn": ppn[tax_class]}
        if tax_class == TaxClass.EXEMPT_STAPLE:
            yield Rule("ppn.exempt", facts)
        elif tax_class == TaxClass.LUXURY:
            yield Rule("ppn.luxury", {**facts, "rate": _percent(rules.ppn_rate)})
        else:
            yield Rule(
                "ppn.taxable",
                {
                    **facts,
                    "rate": _percent(rules.ppn_rate),
                    "fraction": f"{rules.ppn_base_numerator}/{rules.ppn_base_denominator}",
                },
            )
