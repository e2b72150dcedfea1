"""Standing orders: a department's recurring order, placed once per period by Celery beat
through the same checkout as a cart, or recorded as failed with the reason."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import products_for_buyers
from market.errors import DomainError, InvalidInput, NotAllowed
from market.models import Department, DepartmentRole, User
from market.permissions import has_department_role
from market.services.audit import audit_record
from orders.models import StandingOrder, StandingOrderItem, StandingOrderRun
from orders.services.placing import Item, order_frame_errors, orders_place
from procurement.models import BudgetLine

logger = logging.getLogger(__name__)


@transaction.atomic
def standing_order_create(
    *,
    by: User,
    department: Department,
    name: str,
    budget_line: BudgetLine,
    approver: User,
    day_of_month: int,
    start_date: datetime.date,
    end_date: datetime.date,
    delivery_address: str,
    items: list[Item],
    lead_days: int = 7,
) -> StandingOrder:
    if not has_department_role(by, department, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can schedule its orders."))
    errors = order_frame_errors(
        department=department,
        budget_line=budget_line,
        approver=approver,
        delivery_address=delivery_address,
    )
    if not 1 <= day_of_month <= 28:
        errors["day_of_month"] = [_("Choose a day from 1 to 28, which every month has.")]
    if end_date < start_date:
        errors["end_date"] = [_("The end cannot be before the start.")]
    if not items or any(item.quantity <= 0 for item in items):
        errors["items"] = [_("Give at least one product with a quantity above zero.")]
    elif products_for_buyers().filter(pk__in=[i.product_id for i in items]).count() != len(
        {item.product_id for item in items}
    ):
        errors["items"] = [_("A product cannot be ordered.")]
    if by.pk == approver.pk:
        errors["approver"] = [_("Another person must approve your order: choose a different PPK.")]
    if errors:
        raise InvalidInput(errors)
    standing = StandingOrder.objects.create(
        department=department,
        requester=by,
        approver=approver,
        budget_line=budget_line,
        name=name.strip() or _("Standing order"),
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


@transaction.atomic
def standing_order_stop(*, standing_order: StandingOrder, by: User) -> StandingOrder:
    if not has_department_role(
        by, standing_order.department_id, DepartmentRole.REQUESTER, DepartmentRole.APPROVER
    ):
        raise NotAllowed()
    standing_order.is_active = False
    standing_order.save(update_fields=["is_active"])
    audit_record(actor=by, action="standing_order.stop", target=standing_order)
    return standing_order


def standing_order_run(*, standing_order: StandingOrder, period: datetime.date) -> StandingOrderRun:
    """Place this period's order exactly once, however often it is asked to.

    The run row is claimed first (unique per period): a second caller waits for the first to
    commit, then finds the run and does nothing. A failure is recorded, not half-made.
    """
    period = period.replace(day=1)
    try:
        with transaction.atomic():
            run = StandingOrderRun.objects.create(
                standing_order=standing_order,
                period=period,
                outcome=StandingOrderRun.Outcome.ORDERED,
            )
            try:
                with transaction.atomic():
                    orders = orders_place(
                        requester=standing_order.requester,
                        department=standing_order.department,
                        budget_line=standing_order.budget_line,
                        approver=standing_order.approver,
                        delivery_address=standing_order.delivery_address,
                        delivery_date=timezone.localdate()
                        + datetime.timedelta(days=standing_order.lead_days),
                        items=[
                            Item(item.product_id, item.quantity)
                            for item in standing_order.items.all()
                        ],
                        notes=_("Standing order %(name)s, %(period)s")
                        % {"name": standing_order.name, "period": period.strftime("%m/%Y")},
                        standing_order=standing_order,
                    )
                run.message = ", ".join(order.number for order in orders)
            except DomainError as error:
                fields = getattr(error, "fields", None) or {}
                details = [str(m) for messages in fields.values() for m in messages]
                run.outcome = StandingOrderRun.Outcome.FAILED
                run.message = "; ".join(details) or str(error.message)
            run.save(update_fields=["outcome", "message"])
            audit_record(
                actor=None,
                action=f"standing_order.run_{run.outcome}",
                target=standing_order,
                after={"period": period.isoformat(), "message": run.message},
            )
            return run
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
