"""Carts and checkout: a multi-vendor cart becomes one purchase order per vendor, all or none."""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.selectors import category_paths, products_for_buyers
from catalog.services import stock_reserve
from market.bounds import (
    ADDRESS_LENGTH,
    MAX_DAYS_AHEAD,
    MAX_RUPIAH,
    NOTE_LENGTH,
    date_problem,
    format_number,
    parse_decimal,
    quantity_problem,
    text_problem,
)
from market.errors import InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import Department, DepartmentRole, User
from market.money import format_rupiah, round_rupiah
from market.permissions import has_department_role
from market.transactions import action
from orders.actions import SUBMIT, implements
from orders.models import Cart, CartItem, OrderLine, OrderStatus, PurchaseOrder, StandingOrder
from orders.services import transitions
from orders.services.numbering import next_number
from orders.services.transitions import lock_for_step, record_step
from orders.spend import spend_of
from procurement.evaluation import PolicyViolation, policy_violations
from procurement.models import BudgetLine, Policy
from procurement.selectors import policy_for
from procurement.services import BudgetError, Spend, budget_commit, budget_lines_lock


@dataclass(frozen=True)
class Item:
    product_id: int
    quantity: Decimal


def parse_quantity(value) -> Decimal:
    """A quantity as typed ("12,5" or "12.5"); InvalidInput on the field `quantity` if it is not
    one someone can order."""
    quantity = parse_decimal(value)
    if not quantity.is_finite():
        raise InvalidInput({"quantity": [_("Enter a quantity.")]})
    problem = quantity_problem(quantity)
    if problem:
        raise InvalidInput({"quantity": [problem]})
    return quantity


def minimum_problem(product: Product, quantity: Decimal) -> str | None:
    if quantity < product.minimum_order:
        return _("%(minimum)s %(unit)s is the minimum order of %(product)s.") % {
            "minimum": format_number(product.minimum_order),
            "unit": product.get_unit_display(),
            "product": product.name,
        }
    return None


def _available_problem(product: Product, quantity: Decimal) -> str | None:
    if not product.made_to_order and quantity > product.available:
        return _("Only %(available)s %(unit)s of %(product)s are left.") % {
            "available": format_number(product.available),
            "unit": product.get_unit_display(),
            "product": product.name,
        }
    return None


def _requester_cart(*, user: User, department: Department) -> Cart:
    if not has_department_role(user, department, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can fill its cart."))
    cart, _created = Cart.objects.get_or_create(user=user, department=department)
    return lock_row(Cart.objects, cart.pk)  # two changes of one cart queue up


def _put(*, user: User, department: Department, product_id: int, quantity, add: bool) -> CartItem:
    cart = _requester_cart(user=user, department=department)
    quantity = parse_quantity(quantity)
    product = products_for_buyers().filter(pk=product_id).first()
    if product is None:
        raise InvalidInput({"product": [_("This product cannot be ordered.")]})
    item = CartItem.objects.filter(cart=cart, product=product).first()
    if add and item is not None:
        quantity += item.quantity
    problem = (
        quantity_problem(quantity)
        or minimum_problem(product, quantity)
        or _available_problem(product, quantity)
    )
    if problem:
        raise InvalidInput({"quantity": [problem]})
    if item is None:
        return CartItem.objects.create(cart=cart, product=product, quantity=quantity)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


@action
def cart_add_item(*, user: User, department: Department, product_id: int, quantity) -> CartItem:
    """Add a product to the cart; a product already there gets the quantity added."""
    return _put(
        user=user, department=department, product_id=product_id, quantity=quantity, add=True
    )


@action
def cart_set_item(*, user: User, department: Department, product_id: int, quantity) -> CartItem:
    """Set how much of a product the cart holds; it must be orderable now."""
    return _put(
        user=user, department=department, product_id=product_id, quantity=quantity, add=False
    )


@action
def cart_set_quantities(*, user: User, department: Department, quantities: dict) -> None:
    """The cart page's quantities at once ({product id: quantity as typed}); zero removes a
    product. All or nothing: each line's problem is named under its product."""
    cart = _requester_cart(user=user, department=department)
    problems: dict[str, list] = {}
    for product_id, typed in quantities.items():
        if parse_decimal(typed) == 0 or not str(typed).strip():
            CartItem.objects.filter(cart=cart, product_id=product_id).delete()
            continue
        try:
            with transaction.atomic():
                _put(
                    user=user,
                    department=department,
                    product_id=product_id,
                    quantity=typed,
                    add=False,
                )
        except InvalidInput as refused:
            problems[str(product_id)] = refused.messages()
    if problems:
        raise InvalidInput({"quantities": problems})


@action
def cart_remove_item(*, user: User, department: Department, product_id: int) -> None:
    cart = _requester_cart(user=user, department=department)
    CartItem.objects.filter(cart=cart, product_id=product_id).delete()


def order_frame_problems(*, requester: User | None, values: dict) -> dict[str, list]:
    """{field: [problem]} of the frame of an order or a standing order, as far as `values`
    gives it: the budget line and the PPK (of `values["department"]`), and where to deliver.
    A field missing from `values` is not judged; without the department, neither are the
    line and the PPK."""
    department, found = values.get("department"), {}
    if department is not None and "budget_line" in values:
        found["budget_line"] = _budget_line_problem(department, values["budget_line"])
    if department is not None and "approver" in values:
        found["approver"] = _approver_problem(department, values["approver"], requester)
    if "delivery_address" in values:
        found["delivery_address"] = text_problem(values["delivery_address"], most=ADDRESS_LENGTH)
    return {field: [problem] for field, problem in found.items() if problem}


def _approver_problem(department: Department, approver: User | None, requester) -> str | None:
    if approver is None or not has_department_role(approver, department, DepartmentRole.APPROVER):
        return _("Choose a commitment officer (PPK) of the department.")
    if requester is not None and requester.pk == approver.pk:
        return _("Another person must approve your order: choose a different PPK.")
    return None


def _budget_line_problem(department: Department, line: BudgetLine | None) -> str | None:
    if line is None:
        return _("Choose a budget line.")
    if line.department_id != department.pk:
        return _("This budget line belongs to another department.")
    return None


def checkout_problems(*, requester: User | None, values: dict) -> dict[str, list]:
    """{field: [problem]} of a checkout, as far as `values` gives it: the order's frame, the
    line chosen for a vendor (`budget_lines_by_vendor`, named `budget_lines`), the delivery
    date and the notes. The rules orders_place keeps, for the cart page's form and the API's
    input to name with their own, in one answer."""
    errors = order_frame_problems(requester=requester, values=values)
    department, today = values.get("department"), timezone.localdate()
    by_vendor = {
        str(vendor_id): [problem]
        for vendor_id, line in values.get("budget_lines_by_vendor", {}).items()
        if department is not None and (problem := _budget_line_problem(department, line))
    }
    if by_vendor:
        errors["budget_lines"] = by_vendor
    found = {}
    if "delivery_date" in values:
        found["delivery_date"] = date_problem(
            values["delivery_date"],
            earliest=today,
            latest=today + datetime.timedelta(days=MAX_DAYS_AHEAD),
        )
    if "notes" in values:
        found["notes"] = text_problem(values["notes"], most=NOTE_LENGTH, required=False)
    errors.update({field: [problem] for field, problem in found.items() if problem})
    return errors


def _item_quantities(items: list[Item]) -> dict[int, Decimal]:
    if not items:
        raise InvalidInput({"items": [_("The cart is empty.")]})
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        quantities[item.product_id] += parse_quantity(item.quantity)
    return dict(quantities)


@action
def orders_place(
    *,
    requester: User,
    department: Department,
    budget_line: BudgetLine | None,
    approver: User | None,
    delivery_address: str,
    delivery_date: datetime.date | None,
    items: list[Item],
    notes: str = "",
    budget_lines_by_vendor: dict[int, BudgetLine] | None = None,
    standing_order: StandingOrder | None = None,
    agreed_prices: dict[int, int] | None = None,
    approved_by: User | None = None,
) -> list[PurchaseOrder]:
    """Submit one purchase order per vendor, all or none: stock reserved, budget committed.

    Each vendor's order is charged to `budget_line` unless `budget_lines_by_vendor` names
    another. Prices are read again here, not taken from the cart. The fiscal year's policy
    judges all the orders before any is submitted (procurement.evaluation); an order at or under
    its automatic-approval threshold is approved at once.

    Two doors for an order agreed before it is placed (a mini-competition's award, quotes):
    `agreed_prices` ({product id: unit price}) prices those products at the price agreed instead
    of the catalogue's, every other rule (numbering, policy, stock, budget) as for any order; and
    `approved_by`, the approver who already approved the agreement, approves the order at once
    (instead of being asked to).
    """
    if not has_department_role(requester, department, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can place its orders."))
    lines_by_vendor = dict(budget_lines_by_vendor or {})
    errors = checkout_problems(
        requester=requester,
        values={
            "department": department,
            "budget_line": budget_line,
            "budget_lines_by_vendor": lines_by_vendor,
            "approver": approver,
            "delivery_address": delivery_address,
            "delivery_date": delivery_date,
            "notes": notes,
        },
    )
    if errors:
        raise InvalidInput(errors)
    quantities = _item_quantities(items)
    # Everything that only reads comes before the locks, which every buyer of these products
    # waits for in turn: what the lock then finds is checked against what was read.
    paths, policy = category_paths(), policy_for(budget_line.fiscal_year)
    products = {
        product.pk: product
        for product in products_for_buyers()
        .prefetch_related(None)  # the images stay behind: an order line has none
        .filter(pk__in=quantities)
    }
    if set(quantities) - set(products):
        raise InvalidInput({"items": [_("A product in the cart can no longer be ordered.")]})
    problems = [
        problem
        for product_id, quantity in quantities.items()
        if (problem := minimum_problem(products[product_id], quantity))
    ]
    if problems:
        raise InvalidInput({"items": problems})

    by_vendor: dict[int, list[Product]] = defaultdict(list)
    for product in sorted(products.values(), key=lambda p: (p.vendor_id, p.pk)):
        by_vendor[product.vendor_id].append(product)
    if strays := set(lines_by_vendor) - set(by_vendor):
        raise InvalidInput(
            {
                "budget_lines": {
                    str(vendor_id): [_("No product of this vendor is being ordered.")]
                    for vendor_id in sorted(strays)
                }
            }
        )
    # Each vendor's order as it will be; the policy judges them all before any is placed.
    agreed = agreed_prices or {}
    drafts = {
        vendor_id: [
            _order_line(product, quantities[product.pk], paths, agreed.get(product.pk))
            for product in listed
        ]
        for vendor_id, listed in by_vendor.items()
    }
    _judge(
        policy,
        [
            (
                lines_by_vendor.get(vendor_id, budget_line),
                spend_of(PurchaseOrder(vendor=by_vendor[vendor_id][0].vendor), lines),
            )
            for vendor_id, lines in drafts.items()
        ],
    )

    # Locks in the one order (market.locks): products, then budget lines, then number sequences.
    held = stock_reserve(quantities=quantities, as_read=products)
    budget_lines = budget_lines_lock(
        [budget_line.pk, *(line.pk for line in lines_by_vendor.values())]
    )
    checkout, placing = uuid.uuid4(), []
    for vendor_id, order_lines in drafts.items():
        line = budget_lines[lines_by_vendor.get(vendor_id, budget_line).pk]
        order = PurchaseOrder.objects.create(
            number=next_number(kind="SP", department=department, year=line.fiscal_year.year),
            department=department,
            budget_line=line,
            vendor=by_vendor[vendor_id][0].vendor,
            requester=requester,
            approver=approver,
            status=OrderStatus.DRAFT,
            delivery_address=delivery_address.strip(),
            delivery_date=delivery_date,
            notes=(notes or "").strip(),
            total=sum(order_line.total for order_line in order_lines),
            checkout=checkout,
            standing_order=standing_order,
        )
        for order_line in order_lines:
            order_line.order, order_line.stock_held = order, order_line.product_id in held
        OrderLine.objects.bulk_create(order_lines)
        placing.append((order, line, order_lines))
    threshold = policy.approval_threshold
    placed = []
    for order, line, order_lines in placing:
        automatically = order.total <= threshold  # no PPK needed: the system approves it
        try:
            order = order_submit(
                order=order,
                line=line,
                lines=order_lines,
                by=requester,
                tell=not automatically and approved_by is None,
            )
        except BudgetError as refused:
            if order.vendor_id in lines_by_vendor:  # name the field the requester chose it in
                refused.fields = {"budget_lines": {str(order.vendor_id): [str(refused.message)]}}
            raise
        if automatically:
            order = transitions.order_approve(order=order, by=None)
        elif approved_by is not None:
            order = transitions.order_approve(order=order, by=approved_by)
        placed.append(order)
    return placed


def _judge(policy: Policy, spends: list[tuple[BudgetLine, Spend]]) -> None:
    """Refuse the whole checkout when the policy refuses any of its orders."""
    if len({line.fiscal_year_id for line, _spend in spends}) > 1:
        raise InvalidInput({"budget_lines": [_("Charge one checkout to one fiscal year.")]})
    violations = policy_violations(policy=policy, spends=[spend for _line, spend in spends])
    if violations:
        raise PolicyViolation(violations)


def _order_line(
    product: Product, quantity: Decimal, paths: dict, agreed_price: int | None = None
) -> OrderLine:
    unit_price = product.unit_price if agreed_price is None else agreed_price
    total = round_rupiah(quantity * unit_price)
    if total > MAX_RUPIAH:
        raise InvalidInput(
            {
                "items": [
                    _("%(product)s: %(quantity)s %(unit)s would cost more than %(most)s.")
                    % {
                        "product": product.name,
                        "quantity": format_number(quantity),
                        "unit": product.get_unit_display(),
                        "most": format_rupiah(MAX_RUPIAH),
                    }
                ]
            }
        )
    return OrderLine(
        product=product,
        product_name=product.name,
        unit=product.unit,
        category=product.category.slug,
        category_path=paths[product.category_id],
        unit_price=unit_price,
        quantity=quantity,
        total=total,
    )


@implements(SUBMIT)
def order_submit(
    *, order: PurchaseOrder, line: BudgetLine, lines: list[OrderLine], by: User, tell: bool
) -> PurchaseOrder:
    """A draft of the checkout is submitted: its amount committed on `line`, which the checkout
    locked (with the products) before making the drafts; the PPK is told unless it is approved
    at once."""
    order = lock_for_step(order, SUBMIT, by, only_the_order=True)
    budget_commit(line=line, spend=spend_of(order, lines))
    order.submitted_at = timezone.now()
    return record_step(
        order,
        SUBMIT,
        by,
        OrderStatus.SUBMITTED,
        tell=tell,
        total=order.total,
        vendor=order.vendor.display_name,
        budget_line=line.account_code,
        lines=[
            {"product": ln.product_name, "quantity": ln.quantity, "unit_price": ln.unit_price}
            for ln in lines
        ],
    )


@action
def cart_checkout(
    *,
    user: User,
    department: Department,
    budget_line: BudgetLine | None,
    approver: User | None,
    delivery_address: str,
    delivery_date: datetime.date | None,
    notes: str = "",
    budget_lines_by_vendor: dict[int, BudgetLine] | None = None,
) -> list[PurchaseOrder]:
    """The requester's cart becomes submitted orders (all or none), and the cart is emptied."""
    cart = _requester_cart(user=user, department=department)
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
        budget_lines_by_vendor=budget_lines_by_vendor,
    )
    cart.items.all().delete()
    return orders
