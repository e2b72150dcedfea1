"""Standing orders: a department's recurring order, placed once per period by Celery beat
through the same checkout as a cart, or recorded as failed with the reason."""

import datetime
import logging
from decimal import Decimal

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.selectors import products_for_buyers
from market.bounds import NAME_LENGTH, quantity_problem, text_problem
from market.errors import Conflict, DomainError, InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import Department, DepartmentRole, User
from market.permissions import departments_where, has_department_role
from market.services.audit import audit_record
from market.services.notifications import notify
from market.transactions import action
from orders.models import PurchaseOrder, StandingOrder, StandingOrderItem, StandingOrderRun
from orders.services.placing import Item, minimum_problem, order_frame_problems, orders_place
from procurement.models import BudgetLine

logger = logging.getLogger(__name__)

MAX_LEAD_DAYS = 60
SCHEDULERS_ONLY = gettext_lazy("Only a requester of the department can schedule its orders.")


def _items_problems(items: list[Item]) -> list[str]:
    if not items:
        return [_("Give at least one product with a quantity above zero.")]
    products = {
        product.pk: product
        for product in products_for_buyers().filter(pk__in=[item.product_id for item in items])
    }
    problems = []
    for item in items:
        product = products.get(item.product_id)
        if product is None:
            problems.append(_("A product cannot be ordered."))
        elif item.quantity is None:
            problems.append(_("Enter a quantity."))
        elif problem := quantity_problem(Decimal(item.quantity)) or minimum_problem(
            product, Decimal(item.quantity)
        ):
            problems.append(problem)
    return problems


def _period_problems(values: dict, line: BudgetLine | None) -> dict[str, list]:
    """A standing order runs inside its budget line's fiscal year, from today on."""
    errors: dict[str, list] = {}
    for field in ("start_date", "end_date"):
        if field in values and values[field] is None:
            errors[field] = [_("Enter a valid date.")]
    start, end = values.get("start_date"), values.get("end_date")
    if errors or line is None or start is None or end is None:
        return errors
    year = line.fiscal_year.year
    if end < start:
        errors["end_date"] = [_("The end cannot be before the start.")]
    elif end < timezone.localdate():
        errors["end_date"] = [_("The end is already past.")]
    for field, day in (("start_date", start), ("end_date", end)):
        if day.year != year and field not in errors:
            errors[field] = [
                _("The budget line is for %(year)s: choose a date in %(year)s.") % {"year": year}
            ]
    return errors


def standing_order_problems(*, requester: User | None, values: dict) -> dict[str, list]:
    """{field: [problem]} of a standing order, as far as `values` gives it (a field missing
    is not judged): the order's frame, its name, day, lead time, period and items. The rules
    standing_order_create keeps, for the page's form and the API's input to name with their
    own, in one answer."""
    errors = order_frame_problems(requester=requester, values=values)
    if "name" in values and (
        problem := text_problem(values["name"], most=NAME_LENGTH, required=False)
    ):
        errors["name"] = [problem]
    day = values.get("day_of_month")
    if "day_of_month" in values and (not isinstance(day, int) or not 1 <= day <= 28):
        errors["day_of_month"] = [_("Choose a day from 1 to 28, which every month has.")]
    lead = values.get("lead_days")
    if "lead_days" in values and (not isinstance(lead, int) or not 0 <= lead <= MAX_LEAD_DAYS):
        errors["lead_days"] = [
            _("Choose from 0 to %(most)s days between ordering and delivery.")
            % {"most": MAX_LEAD_DAYS}
        ]
    checked = values.get("department") is not None and "budget_line" not in errors
    line = values.get("budget_line") if checked else None
    errors.update(_period_problems(values, line))
    if "items" in values and (problems := _items_problems(values["items"])):
        errors["items"] = problems
    return errors


@action
def standing_order_create(
    *,
    by: User,
    department: Department,
    name: str,
    budget_line: BudgetLine | None,
    approver: User | None,
    day_of_month: int,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    delivery_address: str,
    items: list[Item],
    lead_days: int = 7,
) -> StandingOrder:
    """Schedule a recurring order; every problem of every field is reported at once."""
    if not has_department_role(by, department, DepartmentRole.REQUESTER):
        raise NotAllowed(SCHEDULERS_ONLY)
    errors = standing_order_problems(
        requester=by,
        values={
            "department": department,
            "name": name,
            "budget_line": budget_line,
            "approver": approver,
            "day_of_month": day_of_month,
            "start_date": start_date,
            "end_date": end_date,
            "delivery_address": delivery_address,
            "items": items,
            "lead_days": lead_days,
        },
    )
    if errors:
        raise InvalidInput(errors)
    standing = StandingOrder.objects.create(
        department=department,
        requester=by,
        approver=approver,
        budget_line=budget_line,
        name=(name or "").strip() or _("Standing order"),
        day_of_month=day_of_month,
        start_date=start_date,
        end_date=end_date,
        delivery_address=delivery_address.strip(),
        lead_days=lead_days,
    )
    StandingOrderItem.objects.bulk_create(
        StandingOrderItem(
            standing_order=standing, product_id=item.product_id, quantity=item.quantity
        )
        for item in items
    )
    audit_record(
        actor=by,
        action="standing_order.create",
        target=standing,
        after={"day_of_month": day_of_month, "items": [(i.product_id, i.quantity) for i in items]},
    )
    return standing


def may_schedule(user) -> bool:
    """Requesters schedule their departments' standing orders (pages offer the form to them):
    asked before anything the person sent is read."""
    return departments_where(user, DepartmentRole.REQUESTER).exists()


def may_stop(user, standing_order: StandingOrder) -> bool:
    """Requesters and PPKs of the department stop its standing orders (pages ask this too)."""
    return standing_order.is_active and has_department_role(
        user, standing_order.department_id, DepartmentRole.REQUESTER, DepartmentRole.APPROVER
    )


@action
def standing_order_stop(*, standing_order: StandingOrder, by: User) -> StandingOrder:
    if not has_department_role(
        by, standing_order.department_id, DepartmentRole.REQUESTER, DepartmentRole.APPROVER
    ):
        raise NotAllowed(_("Only the department's requesters and PPKs stop its standing orders."))
    standing_order = lock_row(StandingOrder.objects, standing_order.pk)
    if not standing_order.is_active:
        raise Conflict(_("This standing order is already stopped."), code="already_stopped")
    standing_order.is_active = False
    standing_order.save(update_fields=["is_active"])
    audit_record(actor=by, action="standing_order.stop", target=standing_order)
    return standing_order


@action
def _run_once(*, standing_order: StandingOrder, period: datetime.date) -> StandingOrderRun:
    run = StandingOrderRun.objects.create(
        standing_order=standing_order, period=period, outcome=StandingOrderRun.Outcome.ORDERED
    )
    orders: list[PurchaseOrder] = []
    try:
        orders = orders_place(
            requester=standing_order.requester,
            department=standing_order.department,
            budget_line=standing_order.budget_line,
            approver=standing_order.approver,
            delivery_address=standing_order.delivery_address,
            delivery_date=timezone.localdate() + datetime.timedelta(days=standing_order.lead_days),
            items=[Item(item.product_id, item.quantity) for item in standing_order.items.all()],
            notes=_("Standing order %(name)s, %(period)s")
            % {"name": standing_order.name, "period": period.strftime("%m/%Y")},
            standing_order=standing_order,
        )
        run.message = ", ".join(order.number for order in orders)
    except DomainError as error:  # the placing rolled back to its savepoint; record why
        run.outcome = StandingOrderRun.Outcome.FAILED
        run.message = "; ".join(error.messages())
    run.save(update_fields=["outcome", "message"])
    audit_record(
        actor=None,
        action=f"standing_order.run_{run.outcome}",
        target=standing_order,
        after={"period": period.isoformat(), "message": run.message},
    )
    _tell_requester(standing_order, run, orders)
    return run


def _tell_requester(
    standing_order: StandingOrder, run: StandingOrderRun, orders: list[PurchaseOrder]
) -> None:
    """The requester learns what this period's run placed, or why it could not."""
    facts = {"name": standing_order.name, "period": run.period.strftime("%m/%Y")}
    if run.outcome == StandingOrderRun.Outcome.ORDERED:
        kind, link = "standing_order.ordered", reverse("standing-order-list")
        facts |= {"number": run.message, "amount": sum(order.total for order in orders)}
        if len(orders) == 1:
            link = reverse("order-detail", args=[orders[0].pk])
    else:
        kind, link = "standing_order.failed", reverse("standing-order-list")
        facts["reason"] = run.message
    notify(
        kind=kind,
        recipients=[standing_order.requester],
        params=facts,
        target=standing_order,
        link=link,
    )


def standing_order_run(*, standing_order: StandingOrder, period: datetime.date) -> StandingOrderRun:
    """Place this period's order exactly once, however often it is asked to.

    The run row is claimed first (unique per period): a second caller waits for the first to
    commit, then finds the run and does nothing. A failure is recorded, not half-made.
    """
    period = period.replace(day=1)
    try:
        return _run_once(standing_order=standing_order, period=period)
    except IntegrityError:
        run = StandingOrderRun.objects.filter(standing_order=standing_order, period=period).first()
        if run is None:
            raise
        return run


def standing_orders_due(*, today: datetime.date | None = None) -> list[StandingOrderRun]:
    """Run every active standing order whose day has come this month (beat, daily)."""
    today = today or timezone.localdate()
    period = today.replace(day=1)
    due = StandingOrder.objects.filter(
        is_active=True, start_date__lte=today, end_date__gte=today, day_of_month__lte=today.day
    ).exclude(runs__period=period)
    runs = []
    for standing in due:
        try:
            runs.append(standing_order_run(standing_order=standing, period=period))
        except Exception:  # one broken standing order must not stop the others
            logger.exception("Standing order %s could not run for %s", standing.pk, period)
    return runs
