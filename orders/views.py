"""Pages of the orders app: cart and checkout, orders and their actions, the vendor's inbox,
documents and standing orders. Each page calls the same services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import products_for_buyers
from market.bounds import whole_number
from market.errors import Conflict, DomainError, NotAllowed
from market.forms import (
    failed_form_errors,
    failed_form_keep,
    failed_form_take,
    run_form,
    show_domain_error,
)
from market.models import DepartmentRole
from market.money import round_rupiah
from market.panels import Panel, panels_of
from market.permissions import departments_where, roles_of
from orders import documents
from orders.action_forms import action_form, action_prefix, confirmation, service_values
from orders.actions import INVOICE, NEGOTIATION, OFFERED, PAY, timeline_label
from orders.forms import (
    AddToCartForm,
    CartQuantitiesForm,
    CheckoutForm,
    ExportForm,
    NegotiationForm,
    StandingOrderForm,
)
from orders.models import Export, OrderStatus
from orders.selectors import (
    cart_of,
    checkout_preview,
    export_to_download,
    exports_downloadable,
    exports_of,
    invoice_preview,
    invoices_to_pay,
    order_filter,
    order_invoices,
    order_payments,
    order_receipts,
    order_shipments,
    order_timeline,
    orders_listed_for,
    orders_visible_to,
    orders_waiting_for,
    requester_department,
    response_deadline,
    response_deadlines,
    standing_orders_visible_to,
    vendor_inbox,
)
from orders.services import exports, placing, standing
from orders.services.negotiation import negotiation_view
from orders.services.payments import card_payment_problem
from orders.services.transitions import allowed_actions, may_act
from orders.taxes import tax_figures, taxes_of_invoice, vendor_preview
from procurement.selectors import fiscal_year_current, report_departments
from vendors.permissions import acts_for, vendor_of


def _requester_department(request):
    code = request.GET.get("department") or request.POST.get("department")
    department = requester_department(request.user, code)
    if department is None:
        raise Http404
    return department


@login_required
@require_POST
def add_to_cart(request, product_id):
    department = _requester_department(request)
    form = AddToCartForm(request.POST)
    try:
        run_form(
            form,
            lambda values: placing.cart_add_item(
                user=request.user,
                department=department,
                product_id=product_id,
                quantity=values["quantity"],
            ),
        )
    except DomainError as error:
        show_domain_error(request, error)
        return redirect("product-detail", pk=product_id)
    messages.success(request, _("Added to the cart."))
    return redirect("cart")


@login_required
def cart(request):
    department = _requester_department(request)
    current = cart_of(request.user, department)
    items = list(current.items.all()) if current else []
    quantities_form = CartQuantitiesForm(items=items)
    if request.method == "POST" and "remove" in request.POST:
        product_id = whole_number(request.POST["remove"])
        if product_id is not None:
            placing.cart_remove_item(
                user=request.user, department=department, product_id=product_id
            )
        return redirect(f"{request.path}?department={department.code}")
    if request.method == "POST" and "update" in request.POST:
        quantities_form = CartQuantitiesForm(request.POST, items=items)
        try:
            placing.cart_set_quantities(
                user=request.user, department=department, quantities=quantities_form.quantities()
            )
        except DomainError as error:
            show_domain_error(request, error, quantities_form)
        else:
            messages.success(request, _("Quantities updated."))
            return redirect(f"{request.path}?department={department.code}")
    vendors: dict = {}
    for item in items:
        item.subtotal = round_rupiah(item.quantity * item.product.unit_price)
        item.field = quantities_form[f"quantities-{item.product_id}"]
        vendors.setdefault(item.product.vendor, []).append(item)
    form = CheckoutForm(
        request.POST if "checkout" in request.POST else None,
        department=department,
        fiscal_year=fiscal_year_current(),
        by=request.user,
        vendors=list(vendors),
    )
    if form.is_bound:
        try:
            orders = run_form(
                form,
                lambda values: placing.cart_checkout(
                    user=request.user, department=department, **form.service_values(values)
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            waiting = [order.number for order in orders if order.status == OrderStatus.SUBMITTED]
            approved = [order.number for order in orders if order.status == OrderStatus.APPROVED]
            if waiting:
                messages.success(
                    request,
                    _("Submitted for approval: %(numbers)s") % {"numbers": ", ".join(waiting)},
                )
            if approved:
                messages.success(
                    request,
                    _(
                        "Approved automatically (within the policy's amount), sent to the "
                        "vendor: %(numbers)s"
                    )
                    % {"numbers": ", ".join(approved)},
                )
            return redirect("order-list")
    return render(
        request,
        "orders/cart.html",
        {
            "department": department,
            "departments": departments_where(request.user, DepartmentRole.REQUESTER),
            "vendors": vendors,
            "form": form,
            "quantities_form": quantities_form,
            "estimated_total": sum(item.subtotal for item in items),
            "preview": checkout_preview(user=request.user, department=department),
        },
    )


def _order_list(request, orders, title, *, inbox=False):
    """A list of orders; a vendor's inbox names the buying department and the day to answer by
    where department staff read the vendor."""
    status = request.GET.get("status", "")
    orders = order_filter(
        orders,
        status=status if status in OrderStatus.values else "",
        number=request.GET.get("search", "")[:40],
    ).order_by("-created_at", "-id")
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    deadlines = response_deadlines(page.object_list) if inbox else {}
    for order in page.object_list:
        order.response_deadline = deadlines.get(order.pk)
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "statuses": OrderStatus.choices,
            "status": status,
            "title": title,
            "inbox": inbox,
        },
    )


@login_required
def order_list(request):
    return _order_list(request, orders_listed_for(request.user), _("Orders"))


@login_required
def vendor_orders(request):
    if vendor_of(request.user) is None:
        raise Http404
    return _order_list(request, vendor_inbox(request.user), _("Incoming orders"), inbox=True)


def _order_page(request, order):
    """An order with what this person may do to it now: one form per action (per invoice to
    pay, per payment to refund). A form that failed comes back with its input and problems,
    and an action that asked for confirmation comes back open (redirect-after-POST)."""
    lines = list(order.lines.all())
    failed = failed_form_take(request, page=_page_key(order))
    preview = None
    actions = []
    for action in allowed_actions(request.user, order):
        if action is INVOICE:
            preview = invoice_preview(order)
        for part in action.parts(order) if action.parts else [None]:
            prefix = action_prefix(action, part)
            again = failed is not None and failed["prefix"] == prefix
            form = action_form(
                action,
                order=order,
                lines=lines,
                user=request.user,
                part=part,
                data=failed["data"] if again else None,
            )
            if again:
                failed_form_errors(form, failed["errors"])
            actions.append(
                {
                    "name": action.name,
                    "prefix": prefix,
                    "part": part,
                    "label": action.label,
                    "refusal": not action.forward,
                    "form": form,
                    "confirm": confirmation(action, order=order, part=part, preview=preview),
                    "open": again,
                    # Card payment is offered beside the transfer, or the page says why not.
                    "card_problem": card_payment_problem(order, part) if action is PAY else None,
                    # What a transfer today collects and sends the vendor.
                    "taxes": tax_figures(taxes_of_invoice(part)) if action is PAY else None,
                    # Where the vendor's phone sends it when it was taken offline.
                    "queue_url": reverse(f"api:order-{action.name}", args=[order.pk])
                    if action.queued_offline
                    else None,
                }
            )
    negotiating = negotiation_view(request.user, order)
    context = {
        "order": order,
        "lines": lines,
        "actions": actions,
        "negotiation": negotiating,
        "negotiation_forms": _negotiation_forms(request, order, lines, negotiating, failed),
        # Before it accepts, the vendor sees what will reach its account and how fast this
        # department pays.
        "vendor_preview": vendor_preview(order)
        if acts_for(request.user, order.vendor_id)
        else None,
        "failed_form": next((a["form"] for a in actions if a["open"]), None),
        "response_deadline": response_deadline(order),
        "invoices": order_invoices(order),
        # The vendor's bank account: for the vendor and for those who pay it.
        "show_account": acts_for(request.user, order.vendor_id)
        or may_act(request.user, order, PAY),
        # The receiver reads what came in each shipment, and the vendor's note, before the BAST.
        "shipments": order_shipments(order),
        "payments": order_payments(order),
        "timeline": [
            {"event": event, "status": timeline_label(event)} for event in order_timeline(order)
        ],
        "documents": documents.available(order, order_receipts(order), request.user),
        # What higher apps add (the shell's PAGE_PANELS): the vendor's rating after delivery.
        "panels": panels_of("order-detail", request, order),
    }
    return render(request, "orders/order_detail.html", context)


# The negotiation's moves by the last word of their step's name, as their URLs name them.
NEGOTIATION_MOVES = {step.name.removeprefix("negotiation_"): step for step in NEGOTIATION}


def _negotiation_forms(request, order, lines, negotiating, failed) -> dict:
    """{step name: its form} for each move this person may make now; one that failed comes
    back with its input and problems."""
    forms = {}
    for step in NEGOTIATION:
        if step.name not in negotiating.moves:
            continue
        again = failed is not None and failed["prefix"] == step.name
        form = NegotiationForm(
            failed["data"] if again else None,
            step=step,
            order=order,
            lines=lines,
            view=negotiating,
        )
        if again:
            failed_form_errors(form, failed["errors"])
        form.open = again
        forms[step.name] = form
    return forms


@login_required
def negotiation_move(request, pk, move):
    """A move of the order's price negotiation from its page: refused (403) before anything
    posted is read to someone who may not make it; any answer ends in a redirect to the order."""
    step = NEGOTIATION_MOVES.get(move)
    if step is None:
        raise Http404
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    detail = reverse("order-detail", args=[pk]) + "#negotiation"
    if request.method != "POST":
        return redirect(detail)
    if not may_act(request.user, order, step):
        raise PermissionDenied
    form = NegotiationForm(
        request.POST,
        step=step,
        order=order,
        lines=list(order.lines.all()),
        view=negotiation_view(request.user, order),
    )
    try:
        run_form(
            form,
            lambda values: step.service(
                order=order, by=request.user, **form.service_values(values)
            ),
        )
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        show_domain_error(request, error, form)
        failed_form_keep(request, form, page=_page_key(order))
        return redirect(detail)
    messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
    return redirect(detail)


def _page_key(order) -> str:
    return f"order:{order.pk}"


@login_required
def order_detail(request, pk):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    return _order_page(request, order)


def _posted_part(action, order, posted):
    """The invoice or payment an action's form was for (None for a whole-order action)."""
    if action.parts is None:
        return None
    parts = action.parts(order)
    chosen = next((part for part in parts if str(part.pk) == str(posted)), None)
    if chosen is None:
        raise Conflict(
            _("Order %(number)s has moved on meanwhile; here it is as it stands now.")
            % {"number": order.number},
            code="moved_on",
        )
    return chosen


@login_required
def order_action(request, pk, action):
    """Take an action from the order's page. Someone who may not act is refused (403) before
    anything they posted is read; any answer ends in a redirect to the order, so that a reload
    never posts again (a failed form comes back there with its problems)."""
    action = next((offered for offered in OFFERED if offered.name == action), None)
    if action is None:
        raise Http404
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    if request.method != "POST":  # a reload or a bookmark of the action's address
        return redirect("order-detail", pk=pk)
    if not may_act(request.user, order, action):
        raise PermissionDenied
    try:
        part = _posted_part(action, order, request.POST.get("part"))
    except DomainError as error:
        show_domain_error(request, error)
        return redirect("order-detail", pk=pk)
    form = action_form(
        action,
        order=order,
        lines=list(order.lines.all()),
        user=request.user,
        part=part,
        data=request.POST,
    )
    detail = reverse("order-detail", args=[pk])
    preview = invoice_preview(order) if action is INVOICE else None
    if confirmation(action, order=order, part=part, preview=preview) and (
        request.POST.get("confirmed") != "yes"
    ):
        failed_form_keep(request, form, page=_page_key(order), confirming=True)
        return redirect(f"{detail}#action-{form.prefix}")
    try:
        run_form(
            form,
            lambda values: action.service(
                order=order, by=request.user, **service_values(form, values)
            ),
        )
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        show_domain_error(request, error, form)
        failed_form_keep(request, form, page=_page_key(order))
        return redirect(detail)
    messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
    return redirect(detail)


@login_required
def order_document(request, pk, kind):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    return documents.pdf_response(order, kind, request.user)


@login_required
def standing_order_list(request):
    if not roles_of(request.user).reads_departments:
        raise Http404  # standing orders are departments' records (the API answers alike)
    if request.method == "POST" and not standing.may_schedule(request.user):
        raise PermissionDenied(standing.SCHEDULERS_ONLY)  # before reading what was sent
    standing_orders = list(
        standing_orders_visible_to(request.user).order_by("department__code", "name")
    )
    for standing_order in standing_orders:
        standing_order.may_stop = standing.may_stop(request.user, standing_order)
    departments = departments_where(request.user, DepartmentRole.REQUESTER)
    form = product = None
    if departments.exists():
        department = _requester_department(request)
        wanted = whole_number(request.GET.get("product", ""))
        product = products_for_buyers().filter(pk=wanted).first() if wanted else None
        form = StandingOrderForm(
            request.POST or None,
            department=department,
            fiscal_year=fiscal_year_current(),
            by=request.user,
            initial={"product": product.pk if product else None},
        )
        if form.is_bound:
            try:
                run_form(
                    form,
                    lambda values: standing.standing_order_create(
                        by=request.user, **form.service_values(values)
                    ),
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Standing order scheduled."))
                return redirect("standing-order-list")
    return render(
        request,
        "orders/standing_orders.html",
        {"standing_orders": standing_orders, "form": form, "product": product},
    )


@login_required
@require_POST
def standing_order_stop(request, pk):
    standing_order = get_object_or_404(standing_orders_visible_to(request.user), pk=pk)
    try:
        standing.standing_order_stop(standing_order=standing_order, by=request.user)
    except DomainError as error:
        show_domain_error(request, error)
    return redirect("standing-order-list")


def orders_panel(request) -> Panel | None:
    """Home page: the orders on which this person has the next step, each with the other
    party (the department, for its vendor) and, for an order to answer, the day to answer by."""
    waiting = list(orders_waiting_for(request.user))
    for order in waiting:  # a treasurer pays the invoices waiting, not the order's total
        order.to_pay = (
            sum(invoice.amount for invoice in order.invoices.all() if invoice.paid_at is None)
            if may_act(request.user, order, PAY)
            else 0
        )
    vendor = vendor_of(request.user)
    if not waiting and vendor is None and not roles_of(request.user).department_roles:
        return None
    deadlines = response_deadlines(waiting)
    for order in waiting:
        order.party = (
            order.department.name
            if vendor is not None and order.vendor_id == vendor.pk
            else order.vendor.display_name
        )
        order.response_deadline = deadlines.get(order.pk)
    return Panel(
        "orders/orders_panel.html",
        {"orders": waiting, "invoices": invoices_to_pay(request.user)},
    )


@login_required
def export_list(request):
    """Ask for an export and follow it: the page refreshes itself while one is being written."""
    if not roles_of(request.user).reads_departments:
        raise Http404
    departments = report_departments(request.user).order_by("code")
    form = ExportForm(
        request.POST or None,
        departments=departments,
        kinds=exports.export_kinds_for(request.user),
        fiscal_year=fiscal_year_current(),
    )
    if form.is_bound:
        try:
            run_form(
                form,
                lambda values: exports.export_request(
                    by=request.user,
                    kind=values.get("kind") or "",
                    file_format=values.get("file_format") or "",
                    filters={
                        name: values[name]
                        for name in ("fiscal_year", "department", "group_by")
                        if values.get(name)
                    },
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Your export is being written; it appears below."))
            return redirect("export-list")
    recent = list(exports_of(request.user)[:20])
    return render(
        request,
        "orders/exports.html",
        {
            "form": form,
            "exports": recent,
            "downloadable": exports_downloadable(request.user, recent),
            "writing": any(
                e.status in (Export.Status.PENDING, Export.Status.RUNNING) for e in recent
            ),
        },
    )


@login_required
def export_download(request, pk):
    export = export_to_download(request.user, pk)
    if export is None:
        raise Http404
    return documents.export_file_response(export)
