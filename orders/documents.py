"""Files people download: an order's documents as PDF (WeasyPrint) — the surat pesanan, each
BAST, the invoice, the kuitansi and the withholding slip — and their exports.

The order's documents are made from the stored order and its records, never from live data, and
always in Indonesian: they are official papers. The department's papers carry the Pemda's
letterhead; the vendor's (invoice, kuitansi) carry the vendor's."""

from collections import defaultdict

from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from market.bounds import whole_number
from market.files.tabular import CONTENT_TYPES
from market.models import DepartmentRole
from market.money import rupiah_in_words
from market.permissions import has_department_role, roles_of
from orders.models import PaymentStatus, PurchaseOrder, ReceiptLine
from orders.selectors import response_deadline
from orders.taxes import tax_figures, vendor_tax_number, withholding_lines
from procurement.models import Policy
from vendors.permissions import acts_for

TITLES = {
    "purchase-order": _("Purchase order (surat pesanan)"),
    "invoice": _("Invoice"),
    "kuitansi": _("Receipt of payment (kuitansi)"),
    "bukti-potong": _("Withholding slip (bukti potong)"),
}


def reads_withholding(user, order: PurchaseOrder) -> bool:
    """A withholding slip names the vendor's NPWP or NIK: the vendor's own, and the
    department's treasurer's, who withholds and reports it (and administrators)."""
    return user is not None and (
        roles_of(user).is_platform_admin
        or acts_for(user, order.vendor_id)
        or has_department_role(user, order.department_id, DepartmentRole.TREASURER)
    )


def _url(order: PurchaseOrder, kind: str) -> str:
    return reverse("order-document-pdf", args=[order.pk, kind])


def available(order: PurchaseOrder, receipts, user=None) -> list[tuple[str, str, str]]:
    """(kind, title, url) of each document the order has by now: the surat pesanan, each BAST,
    each invoice (one per termin), the kuitansi of each invoice paid and, for those who may
    read it, the withholding slip of each payment something was withheld from."""
    found = [("purchase-order", TITLES["purchase-order"], _url(order, "purchase-order"))]
    for receipt in receipts:
        kind = f"bast-{receipt.pk}"
        found.append((kind, f"BAST {receipt.number}", _url(order, kind)))
    for invoice in order.invoices.order_by("pk"):
        kind = f"invoice-{invoice.pk}"
        found.append((kind, f"{TITLES['invoice']} {invoice.number}", _url(order, kind)))
    slips = reads_withholding(user, order)  # once, not per payment
    for payment in order.payments.filter(status=PaymentStatus.SUCCEEDED).select_related("invoice"):
        kind = f"kuitansi-{payment.pk}"
        title = f"{TITLES['kuitansi']} KW/{payment.invoice.number}"
        found.append((kind, title, _url(order, kind)))
        if slips and _withheld(payment):
            kind = f"bukti-potong-{payment.pk}"
            title = f"{TITLES['bukti-potong']} BP/{payment.invoice.number}"
            found.append((kind, title, _url(order, kind)))
    return found


def _withheld(payment) -> bool:
    return bool(payment.ppn_collected or payment.income_tax)


def _policy(order: PurchaseOrder) -> Policy:
    fiscal_year = order.budget_line.fiscal_year
    return Policy.objects.filter(fiscal_year=fiscal_year).first() or Policy(fiscal_year=fiscal_year)


def _bast_lines(order: PurchaseOrder, receipt, lines) -> list[dict]:
    """Each line as this BAST states it: received now, received up to this BAST, still owed."""
    through = defaultdict(int)
    for line_id, quantity in (
        ReceiptLine.objects.filter(receipt__order=order, receipt__pk__lte=receipt.pk)
        .values("line")
        .annotate(total=Sum("quantity"))
        .values_list("line", "total")
    ):
        through[line_id] = quantity
    now = {receipt_line.line_id: receipt_line.quantity for receipt_line in receipt.lines.all()}
    return [
        {
            "line": line,
            "now": now.get(line.pk, 0),
            "through": through[line.pk],
            "owed": line.quantity - through[line.pk],
        }
        for line in lines
    ]


def _file_name(number: str, prefix: str) -> str:
    return f"{prefix}-{number.replace('/', '-')}.pdf"


def html(order: PurchaseOrder, kind: str, user=None) -> tuple[str, str]:
    """The document as HTML and its (Indonesian) file name; 404 for one the order lacks or
    this person may not read."""
    lines = list(order.lines.all())
    context = {"order": order, "lines": lines, "organisation": order.department.organisation}
    if kind == "purchase-order":
        template = "orders/documents/purchase_order.html"
        context["response_days"] = _policy(order).vendor_response_days
        context["response_deadline"] = response_deadline(order)
        filename = _file_name(order.number, "surat-pesanan")
    elif kind.startswith("bast-") and whole_number(kind[5:]) is not None:
        receipt = order.receipts.filter(pk=whole_number(kind[5:])).prefetch_related("lines").first()
        if receipt is None:
            raise Http404
        template, context["receipt"] = "orders/documents/bast.html", receipt
        # What the vendor wrote to the receiver with the goods this BAST covers.
        context["shipment_notes"] = (
            order.shipments.filter(shipped_at__lte=receipt.created_at)
            .exclude(note="")
            .order_by("shipped_at", "pk")
        )
        context["bast_lines"] = rows = _bast_lines(order, receipt, lines)
        context["complete"] = all(row["owed"] == 0 for row in rows)
        filename = _file_name(receipt.number, "berita-acara-serah-terima")
    elif kind.startswith("invoice-") and whole_number(kind[8:]) is not None:
        invoice = order.invoices.filter(pk=whole_number(kind[8:])).first()
        if invoice is None:
            raise Http404
        template, context["invoice"] = "orders/documents/invoice.html", invoice
        context["invoice_lines"] = invoice.lines.select_related("line")
        context["receipts"] = invoice.receipts.order_by("pk")
        context["termin"] = order.invoices.filter(pk__lte=invoice.pk).count()
        filename = _file_name(invoice.number, "faktur")
    elif kind.startswith("kuitansi-") and whole_number(kind[9:]) is not None:
        payment = (
            order.payments.filter(pk=whole_number(kind[9:]), status=PaymentStatus.SUCCEEDED)
            .select_related("invoice")
            .first()
        )
        if payment is None:
            raise Http404
        template = "orders/documents/kuitansi.html"
        context.update(
            invoice=payment.invoice,
            payment=payment,
            amount_in_words=rupiah_in_words(payment.amount),
            stamp_duty=payment.amount > _policy(order).stamp_duty_threshold,
        )
        filename = _file_name(f"KW/{payment.invoice.number}", "kuitansi")
    elif kind.startswith("bukti-potong-") and whole_number(kind[13:]) is not None:
        payment = (
            order.payments.filter(pk=whole_number(kind[13:]), status=PaymentStatus.SUCCEEDED)
            .select_related("invoice")
            .first()
            if reads_withholding(user, order)
            else None
        )
        if payment is None or not _withheld(payment):
            raise Http404
        template = "orders/documents/bukti_potong.html"
        context.update(
            invoice=payment.invoice,
            payment=payment,
            taxes=tax_figures(payment),
            withholdings=withholding_lines(payment),
            tax_number=vendor_tax_number(order.vendor),
        )
        filename = _file_name(f"BP/{payment.invoice.number}", "bukti-potong")
    else:
        raise Http404
    with translation.override("id"):
        return render_to_string(template, context), filename


def pdf_response(order: PurchaseOrder, kind: str, user=None) -> HttpResponse:
    """The document as a PDF download, for the order page and the API alike."""
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is wanted

    source, filename = html(order, kind, user)
    pdf = HTML(string=source).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_file_response(export) -> FileResponse:
    """An export's file as a download (orders.models.Export), for its owner's page and API."""
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.file_format],
    )
