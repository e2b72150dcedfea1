"""Carts and checkout: a multi-vendor cart becomes one purchase order per vendor, all or none."""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.selectors import products_for_buyers
from catalog.services import stock_reserve
from market.errors import InvalidInput, NotAllowed
from market.models import Department, DepartmentRole, User
from market.money import round_rupiah
from market.permissions import has_department_role
from market.services.audit import audit_record
from orders.models import Cart, CartItem, OrderLine, OrderStatus, PurchaseOrder, StandingOrder
from orders.services.numbering import next_number
from orders.spend import spend_of
from procurement.models import BudgetLine
from procurement.services import budget_commit


@dataclass(frozen=True)
class Item:
    product_id: int
    quantity: Decimal


def _quantity(value, field: str = "quantity") -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field: [_("Enter a quantity.")]}) from None
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidInput({field: [_("The quantity must be above zero.")]})
    if quantity.as_tuple().exponent < -3:
        raise InvalidInput({field: [_("Use at most three decimals.")]})
    if quantity >= 10**9:
        raise InvalidInput({field: [_("The quantity is too large.")]})
    return quantity


def _check_minimum(product: Product, quantity: Decimal) -> None:
    if quantity < product.minimum_order:
        raise InvalidInput(
            {
                "quantity": [
                    _("%(product)s is sold from %(minimum)s %(unit)s.")
                    % {
                        "product": product.name,
                        "minimum": f"{product.minimum_order.normalize():f}",
                        "unit": product.get_unit_display(),
                    }
                ]
            }
        )


def _check_available(product: Product, quantity: Decimal) -> None:
    if not product.made_to_order and quantity > product.available:
        raise InvalidInput(
            {
                "quantity": [
                    _("Only %(available)s %(unit)s of %(product)s are left.")
                    % {
                        "available": f"{product.available.normalize():f}",
                        "unit": product.get_unit_display(),
                        "product": product.name,
                    }
                ]
            }
        )


def _requester_cart(*, user: User, department: Department) -> Cart:
    if not has_department_role(user, department, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can fill its cart."))
    cart, _created = Cart.objects.get_or_create(user=user, department=department)
    return cart


@transaction.atomic
def cart_set_item(*, user: User, department: Department, product_id: int, quantity) -> CartItem:
    """Put a product in the cart (or change its quantity); it must be orderable now."""
    cart = _requester_cart(user=user, department=department)
    quantity = _quantity(quantity)
    product = products_for_buyers().filter(pk=product_id).first()
    if product is None:
        raise InvalidInput({"product": [_("This product cannot be ordered.")]})
    _check_minimum(product, quantity)
    _check_available(product, quantity)
    item, _created = CartItem.objects.update_or_create(
        cart=cart, product=product, defaults={"quantity": quantity}
    )
    return item


@transaction.atomic
def cart_remove_item(*, user: User, department: Department, product_id: int) -> None:
    cart = _requester_cart(user=user, department=department)
    CartItem.objects.filter(cart=cart, product_id=product_id).delete()


def order_frame_errors(
    *, department: Department, budget_line: BudgetLine, approver: User, delivery_address: str
) -> dict[str, list]:
    """What is wrong with the frame of an order (or a standing order), field by field."""
    errors: dict[str, list] = {}
    if budget_line.department_id != department.pk:
        errors["budget_line"] = [_("This budget line belongs to another department.")]
    if not has_department_role(approver, department, DepartmentRole.APPROVER):
        errors["approver"] = [_("Choose a commitment officer (PPK) of the department.")]
    if not (delivery_address or "").strip():
        errors["delivery_address"] = [_("Give the delivery address.")]
    return errors


def _check_not_self_approved(requester: User, approver: User) -> None:
    if requester.pk == approver.pk:
        raise InvalidInput(
            {"approver": [_("Another person must approve your order: choose a different PPK.")]}
        )


def _validate_order_frame(
    *,
    requester: User,
    department: Department,
    budget_line: BudgetLine,
    approver: User,
    delivery_address: str,
    delivery_date: datetime.date,
) -> None:
    if not has_department_role(requester, department, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can place its orders."))
    _check_not_self_approved(requester, approver)
    errors = order_frame_errors(
        department=department,
        budget_line=budget_line,
        approver=approver,
        delivery_address=delivery_address,
    )
    if delivery_date is None or delivery_date < timezone.localdate():
        errors["delivery_date"] = [_("The delivery date cannot be in the past.")]
    if errors:
        raise InvalidInput(errors)


def orders_place(
    *,
    requester: User,
    department: Department,
    budget_line: BudgetLine,
    approver: User,
    delivery_address: str,
    delivery_date: datetime.date,
    items: list[Item],
    notes: str = "",
    standing_order: StandingOrder | None = None,
) -> list[PurchaseOrder]:
    """Submit one purchase order per vendor, all or none: stock reserved, budget committed.

    Prices are read again here, not taken from the cart. A policy evaluation (quota, reserved
    categories, ceilings) belongs right before the budget is committed, in `_submit`.
    """
    _validate_order_frame(
        requester=requester,
        department=department,
        budget_line=budget_line,
        approver=approver,
        delivery_address=delivery_address,
        delivery_date=delivery_date,
    )
    if not items:
        raise InvalidInput({"items": [_("The cart is empty.")]})
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        quantities[item.product_id] += _quantity(item.quantity)

    with transaction.atomic():
        # Lock the budget line before any product: every path locks lines, then products.
        line = (
            BudgetLine.objects.select_for_update()
            .select_related("fiscal_year")
            .get(pk=budget_line.pk)
        )
        products = {
            product.pk: product
            for product in products_for_buyers()
            .select_related("vendor__village__district")
            .filter(pk__in=quantities)
        }
        missing = set(quantities) - set(products)
        if missing:
            raise InvalidInput({"items": [_("A product in the cart can no longer be ordered.")]})
        for product_id, quantity in quantities.items():
            _check_minimum(products[product_id], quantity)
        held = stock_reserve(quantities=dict(quantities))

        by_vendor: dict[int, list[Product]] = defaultdict(list)
        for product in sorted(products.values(), key=lambda p: (p.vendor_id, p.pk)):
            by_vendor[product.vendor_id].append(product)
        checkout, orders = uuid.uuid4(), []
        for vendor_products in by_vendor.values():
            order = PurchaseOrder(
                number=next_number(kind="SP", department=department, year=line.fiscal_year.year),
                department=department,
                budget_line=line,
                vendor=vendor_products[0].vendor,
                requester=requester,
                approver=approver,
                status=OrderStatus.DRAFT,
                delivery_address=delivery_address.strip(),
                delivery_date=delivery_date,
                notes=(notes or "").strip(),
                total=0,
                checkout=checkout,
                standing_order=standing_order,
            )
            order.save()
            lines = [
                OrderLine(
                    order=order,
                    product=product,
                    product_name=product.name,
                    unit=product.unit,
                    category=product.category.slug,
                    unit_price=product.unit_price,
                    quantity=quantities[product.pk],
                    total=round_rupiah(quantities[product.pk] * product.unit_price),
                    stock_held=product.pk in held,
                )
                for product in vendor_products
            ]
            OrderLine.objects.bulk_create(lines)
            order.total = sum(line_.total for line_ in lines)
            _submit(order=order, line=line, lines=lines, by=requester)
            orders.append(order)
    return orders


def _submit(*, order: PurchaseOrder, line: BudgetLine, lines: list[OrderLine], by: User) -> None:
    budget_commit(line=line, spend=spend_of(order, lines))
    order.status, order.submitted_at = OrderStatus.SUBMITTED, timezone.now()
    order.save(update_fields=["total", "status", "submitted_at"])
    audit_record(
        actor=by,
        action="order.submit",
        target=order,
        before={"status": OrderStatus.DRAFT},
        after={
            "status": order.status,
            "total": order.total,
            "vendor": order.vendor.display_name,
            "budget_line": line.account_code,
            "lines": [
                {"product": ln.product_name, "quantity": ln.quantity, "unit_price": ln.unit_price}
                for ln in lines
            ],
        },
    )


@transaction.atomic
def cart_checkout(
    *,
    user: User,
    department: Department,
    budget_line: BudgetLine,
    approver: User,
    delivery_address: str,
    delivery_date: datetime.date,
    notes: str = "",
) -> list[PurchaseOrder]:
    cart = _requester_cart(user=user, department=department)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)  # two checkouts of one cart queue up
    items = [Item(item.product_id, item.quantity) for item in cart.items.all()]
    orders = orders_place(
        requester=user,
        department=department,
        budget_line=budget_line,
        approver=approver,
        delivery_address=delivery_address,
        delivery_date=delivery_date,
        items=items,
        notes=notes,
    )
    cart.items.all().delete()
    return orders
