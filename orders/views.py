"""Pages of the orders app: cart and checkout, orders and their actions, the vendor's inbox,
documents and standing orders. Each action goes through order_act, the door the API uses too."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import products_for_buyers
from market.errors import DomainError
from market.forms import show_domain_error
from market.home import Panel
from market.models import DepartmentRole
from market.money import round_rupiah
from market.permissions import departments_where, roles_of
from orders import documents
from orders.forms import AddToCartForm, CheckoutForm, StandingOrderForm
from orders.models import TRANSITIONS, OrderStatus
from orders.selectors import (
    cart_of,
    order_filter,
    order_receipts,
    order_timeline,
    orders_visible_to,
    orders_waiting_for,
    standing_orders_visible_to,
    vendor_inbox,
)
from orders.services import placing, standing
from orders.services.transitions import allowed_actions, order_act
from procurement.selectors import fiscal_year_current
from vendors.permissions import vendor_of


def _requester_department(request):
    departments = departments_where(request.user, DepartmentRole.REQUESTER)
    code = request.GET.get("department") or request.POST.get("department")
    department = departments.filter(code=code).first() if code else departments.first()
    if department is None:
        raise Http404
    return department


@login_required
@require_POST
def add_to_cart(request, product_id):
    department = _requester_department(request)
    form = AddToCartForm(request.POST)
    if form.is_valid():
        try:
            placing.cart_set_item(
                user=request.user,
                department=department,
                product_id=product_id,
                quantity=form.cleaned_data["quantity"],
            )
        except DomainError as error:
            show_domain_error(request, error)
            return redirect("product-detail", pk=product_id)
        messages.success(request, _("Added to the cart."))
        return redirect("cart")
    messages.error(request, _("Enter a quantity."))
    return redirect("product-detail", pk=product_id)


@login_required
def cart(request):
    department = _requester_department(request)
    fiscal_year = fiscal_year_current()
    form = CheckoutForm(
        request.POST if "checkout" in request.POST else None,
        department=department,
        fiscal_year=fiscal_year,
    )
    if request.method == "POST" and "update" in request.POST:
        for key, value in request.POST.items():
            digits = key.removeprefix("quantity-")
            if not key.startswith("quantity-") or not digits.isdigit():
                continue
            product_id = int(digits)
            try:
                if value.strip() in {"", "0"}:
                    placing.cart_remove_item(
                        user=request.user, department=department, product_id=product_id
                    )
                else:
                    placing.cart_set_item(
                        user=request.user,
                        department=department,
                        product_id=product_id,
                        quantity=value,
                    )
            except DomainError as error:
                show_domain_error(request, error)
        return redirect("cart")
    if form.is_bound and form.is_valid():
        try:
            orders = placing.cart_checkout(
                user=request.user, department=department, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request,
                _("Submitted for approval: %(numbers)s")
                % {"numbers": ", ".join(order.number for order in orders)},
            )
            return redirect("order-list")
    current = cart_of(request.user, department)
    items = list(current.items.all()) if current else []
    vendors: dict = {}
    for item in items:
        vendors.setdefault(item.product.vendor, []).append(item)
    return render(
        request,
        "orders/cart.html",
        {
            "department": department,
            "vendors": vendors,
            "form": form,
            "estimated_total": sum(round_rupiah(i.quantity * i.product.unit_price) for i in items),
        },
    )


def _order_list(request, orders, template, title):
    status = request.GET.get("status", "")
    orders = order_filter(
        orders,
        status=status if status in OrderStatus.values else "",
        number=request.GET.get("search", ""),
    ).order_by("-created_at", "-id")
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {"page": page, "statuses": OrderStatus.choices, "status": status, "title": title},
    )


@login_required
def order_list(request):
    return _order_list(
        request, orders_visible_to(request.user), "orders/order_list.html", _("Orders")
    )


@login_required
def vendor_orders(request):
    return _order_list(
        request, vendor_inbox(request.user), "orders/order_list.html", _("Incoming orders")
    )


@login_required
def order_detail(request, pk):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "actions": allowed_actions(request.user, order),
        "timeline": [
            {
                "event": event,
                "status": OrderStatus((event.after or {}).get("status")).label
                if (event.after or {}).get("status") in OrderStatus.values
                else event.action,
            }
            for event in order_timeline(order)
        ],
        "documents": documents.available(order, order_receipts(order)),
        "today": timezone.localdate(),
    }
    return render(request, "orders/order_detail.html", context)


def _posted_quantities(request) -> dict:
    quantities = {}
    for key, value in request.POST.items():
        if key.startswith("line-") and value.strip():
            try:
                quantities[key.removeprefix("line-")] = Decimal(value.replace(",", "."))
            except InvalidOperation:
                quantities[key.removeprefix("line-")] = Decimal(-1)
    return quantities


def _posted_date(request, name: str):
    """A date from the form, or None when it is missing or impossible (the service says so)."""
    try:
        return parse_date(request.POST.get(name, "") or "")
    except ValueError:
        return None


@login_required
@require_POST
def order_action(request, pk, action):
    if action not in TRANSITIONS or action == "expire":
        raise Http404
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    values = {
        "reason": request.POST.get("reason", ""),
        "quantities": _posted_quantities(request),
        "received_on": _posted_date(request, "received_on"),
        "signed_by_name": request.POST.get("signed_by_name", ""),
        "note": request.POST.get("note", ""),
        "sp2d_number": request.POST.get("sp2d_number", ""),
        "sp2d_date": _posted_date(request, "sp2d_date"),
    }
    try:
        order_act(order=order, action=action, by=request.user, values=values)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
    return redirect("order-detail", pk=pk)


@login_required
def order_document(request, pk, kind):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    return documents.pdf_response(order, kind)


@login_required
def standing_order_list(request):
    standing_orders = standing_orders_visible_to(request.user).order_by("department__code", "name")
    departments = departments_where(request.user, DepartmentRole.REQUESTER)
    form = None
    product = None
    if departments.exists():
        department = _requester_department(request)
        wanted = request.GET.get("product", "")
        product = products_for_buyers().filter(pk=wanted).first() if wanted.isdigit() else None
        form = StandingOrderForm(
            request.POST or None,
            department=department,
            fiscal_year=fiscal_year_current(),
            initial={"product": product.pk if product else None},
        )
        if request.method == "POST" and form.is_valid():
            values = form.cleaned_data
            try:
                standing.standing_order_create(
                    by=request.user,
                    department=department,
                    name=values["name"],
                    budget_line=values["budget_line"],
                    approver=values["approver"],
                    day_of_month=values["day_of_month"],
                    start_date=values["start_date"],
                    end_date=values["end_date"],
                    delivery_address=values["delivery_address"],
                    items=[placing.Item(values["product"], values["quantity"])],
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
    """Home page: the orders on which this person has the next step."""
    waiting = list(orders_waiting_for(request.user))
    if (
        not waiting
        and vendor_of(request.user) is None
        and not roles_of(request.user).department_roles
    ):
        return None
    return Panel("orders/orders_panel.html", {"orders": waiting})
