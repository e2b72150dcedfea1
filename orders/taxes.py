"""An order's and an invoice's taxes, from procurement.taxes: the lines with their categories'
tax classes, the vendor's checked profile, and the way the department pays.

The Rp2.000.000 test reads the whole order as placed (its lines' totals, split by tax class),
never one invoice of it nor one line, so that an order paid in parts is taxed as one purchase.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy

from market.bounds import format_number
from orders.models import Invoice, OrderLine, PaymentMethod, PurchaseOrder
from orders.selectors import BuyerPaymentRecord, buyer_payment_record
from procurement.tax_words import rule_words
from procurement.taxes import (
    IncomeTax,
    Route,
    Taxes,
    TaxLine,
    invoice_taxes,
    price_excluding_ppn,
    rules_on,
    vendor_taxes,
)
from vendors.models import VendorTaxProfile

ROUTES = {PaymentMethod.TREASURY_TRANSFER: Route.TREASURY, PaymentMethod.CARD: Route.CARD}


def _tax_line(line: OrderLine, amount: int) -> TaxLine:
    category = line.product.category
    return TaxLine(amount, category.tax_class, category.pph22_excluded)


def _order_lines(order: PurchaseOrder) -> list[OrderLine]:
    return list(order.lines.select_related("product__category"))


def _order_price(lines: list[OrderLine], is_pkp: bool, rules) -> int:
    return price_excluding_ppn(
        [_tax_line(line, line.total) for line in lines], is_pkp=is_pkp, rules=rules
    )


def taxes_of_invoice(
    invoice: Invoice, *, method: str = PaymentMethod.TREASURY_TRANSFER, paid_on=None
) -> Taxes:
    """The taxes on `invoice` paid by `method` on `paid_on` (today by default)."""
    paid_on = paid_on or timezone.localdate()
    order = invoice.order
    vendor, rules = vendor_taxes(order.vendor), rules_on(paid_on)
    lines = invoice.lines.select_related("line__product__category")
    return invoice_taxes(
        lines=[_tax_line(billed.line, billed.amount) for billed in lines],
        order_price_excluding_ppn=_order_price(_order_lines(order), vendor.is_pkp, rules),
        vendor=vendor,
        route=ROUTES[method],
        paid_on=paid_on,
        rules=rules,
    )


def taxes_of_order(
    order: PurchaseOrder,
    *,
    method: str = PaymentMethod.TREASURY_TRANSFER,
    paid_on: datetime.date | None = None,
) -> Taxes:
    """What the whole order would bring the vendor, billed and paid at once: the preview a
    vendor sees before it accepts."""
    paid_on = paid_on or timezone.localdate()
    vendor, rules = vendor_taxes(order.vendor), rules_on(paid_on)
    lines = _order_lines(order)
    return invoice_taxes(
        lines=[_tax_line(line, line.total) for line in lines],
        order_price_excluding_ppn=_order_price(lines, vendor.is_pkp, rules),
        vendor=vendor,
        route=ROUTES[method],
        paid_on=paid_on,
        rules=rules,
    )


@dataclass(frozen=True)
class TaxFiguresShown:
    """An invoice's or payment's taxes as a page shows them, with each rule in words."""

    gross: int
    price_excluding_ppn: int
    ppn: int
    ppn_collected: int
    income_tax_label: str
    income_tax: int
    net_to_vendor: int
    rules: list[str]


INCOME_TAX_LABELS = {
    IncomeTax.PPH22: gettext_lazy("PPh 22 %(rate)s %%"),
    IncomeTax.FINAL: gettext_lazy("PP 55 final tax %(rate)s %%"),
    IncomeTax.NONE: gettext_lazy("Income tax"),
}


def tax_figures(kept) -> TaxFiguresShown | None:
    """`kept`: procurement.taxes.Taxes, or an invoice or payment that kept them (None when it
    kept none: paid before taxes were kept)."""
    snapshot = kept.snapshot() if isinstance(kept, Taxes) else kept.taxes
    if not snapshot:
        return None
    kind, rate = snapshot["income_tax_kind"], snapshot["income_tax_rate"]
    return TaxFiguresShown(
        gross=snapshot["gross"],
        price_excluding_ppn=snapshot["price_excluding_ppn"],
        ppn=snapshot["ppn"],
        ppn_collected=snapshot["ppn_collected"],
        income_tax_label=str(INCOME_TAX_LABELS.get(kind, kind))
        % {"rate": format_number(Decimal(rate))},
        income_tax=snapshot["income_tax"],
        net_to_vendor=snapshot["net_to_vendor"],
        rules=[rule_words(rule["code"], rule["facts"]) for rule in snapshot["rules"]],
    )


TAX_NAMES = {
    "ppn": "PPN",
    IncomeTax.PPH22: "PPh Pasal 22",
    IncomeTax.FINAL: "PPh Final (PP 55/2022)",
}


def withholding_lines(kept) -> list[dict]:
    """What a payment had collected, a line per tax as the tax office's e-Bupot asks for it:
    tax, base, rate (in words), amount. `kept`: a payment (or invoice) that kept its taxes."""
    snapshot = kept.taxes or {}
    lines = []
    if snapshot.get("ppn_collected"):
        facts = next(
            (rule["facts"] for rule in snapshot["rules"] if rule["code"].startswith("ppn.")), {}
        )
        rate = f"{facts.get('rate', '')} %"
        if facts.get("fraction"):
            rate = f"{rate} \N{MULTIPLICATION SIGN} {facts['fraction']}"
        lines.append(
            {
                "tax": "ppn",
                "name": TAX_NAMES["ppn"],
                "base": snapshot["price_excluding_ppn"],
                "rate": rate,
                "amount": snapshot["ppn_collected"],
            }
        )
    if snapshot.get("income_tax"):
        kind = snapshot["income_tax_kind"]
        lines.append(
            {
                "tax": kind,
                "name": TAX_NAMES.get(kind, kind),
                "base": snapshot["income_tax_base"],
                "rate": f"{format_number(Decimal(snapshot['income_tax_rate']))} %",
                "amount": snapshot["income_tax"],
            }
        )
    return lines


def tax_number_of(vendor, nik: str = "") -> tuple[str, str]:
    """The number a withholding names: ("NPWP", its NPWP), or ("NIK", `nik`, its tax
    profile's) for a vendor without NPWP, or ("", "")."""
    if vendor.npwp:
        return "NPWP", vendor.npwp
    return ("NIK", nik) if nik else ("", "")


def vendor_tax_number(vendor) -> tuple[str, str]:
    nik = VendorTaxProfile.objects.filter(vendor=vendor).values_list("nik", flat=True).first()
    return tax_number_of(vendor, nik or "")


@dataclass(frozen=True)
class VendorPreview:
    """What a vendor sees on an order before accepting it: the whole order's net after taxes,
    paid by treasury transfer, and the department's payment record."""

    taxes: TaxFiguresShown
    record: BuyerPaymentRecord


def vendor_preview(order: PurchaseOrder) -> VendorPreview:
    return VendorPreview(
        taxes=tax_figures(taxes_of_order(order)), record=buyer_payment_record(order.department)
    )
