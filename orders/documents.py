"""An order's documents as PDF (WeasyPrint): the surat pesanan, each BAST, the invoice and the
kuitansi. Always made from the stored order and its records, never from live product data,
and always in Indonesian: they are official papers."""

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from market.models import Organisation
from orders.models import OrderStatus, PurchaseOrder
from orders.spend import invoiced_amount

TITLES = {
    "purchase-order": _("Purchase order (surat pesanan)"),
    "invoice": _("Invoice"),
    "kuitansi": _("Receipt of payment (kuitansi)"),
}
INVOICED = {OrderStatus.INVOICED, OrderStatus.PAID, OrderStatus.CLOSED}
PAID = {OrderStatus.PAID, OrderStatus.CLOSED}


def _url(order: PurchaseOrder, kind: str) -> str:
    return reverse("order-document-pdf", args=[order.pk, kind])


def available(order: PurchaseOrder, receipts) -> list[tuple[str, str, str]]:
    """(kind, title, url) of each document the order has by now."""
    found = [("purchase-order", TITLES["purchase-order"], _url(order, "purchase-order"))]
    for receipt in receipts:
        kind = f"bast-{receipt.pk}"
        found.append((kind, f"BAST {receipt.number}", _url(order, kind)))
    if order.status in INVOICED:
        found.append(("invoice", TITLES["invoice"], _url(order, "invoice")))
    if order.status in PAID:
        found.append(("kuitansi", TITLES["kuitansi"], _url(order, "kuitansi")))
    return found


def render(order: PurchaseOrder, kind: str) -> tuple[bytes, str]:
    """The PDF and its file name; 404 for a document the order does not have."""
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is wanted

    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "organisation": Organisation.objects.first(),
    }
    if kind == "purchase-order":
        template = "orders/documents/purchase_order.html"
    elif kind.startswith("bast-") and kind[5:].isdigit():
        receipt = order.receipts.filter(pk=int(kind[5:])).prefetch_related("lines__line").first()
        if receipt is None:
            raise Http404
        template, context["receipt"] = "orders/documents/bast.html", receipt
    elif kind == "invoice" and order.status in INVOICED:
        template, context["invoice"] = "orders/documents/invoice.html", order.invoice
        context["invoice_lines"] = [
            (line, invoiced_amount(line)) for line in context["lines"] if line.received_quantity
        ]
    elif kind == "kuitansi" and order.status in PAID:
        template = "orders/documents/kuitansi.html"
        context["invoice"], context["payment"] = order.invoice, order.payments.first()
    else:
        raise Http404
    with translation.override("id"):
        html = render_to_string(template, context)
    filename = f"{kind}-{order.number.replace('/', '-')}.pdf"
    return HTML(string=html).write_pdf(), filename


def pdf_response(order: PurchaseOrder, kind: str) -> HttpResponse:
    """The document as a download, for the order page and the API alike."""
    pdf, filename = render(order, kind)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
