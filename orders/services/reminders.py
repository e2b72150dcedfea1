"""Reminders and the daily payment check (Celery beat, every morning).

- a vendor with one working day left to answer an approved order;
- the PPK of an order waiting for a decision more than two working days;
- the treasurers of an invoice on the last working day before it is due (orders.clock);
- the PPK and the finance officers once it is overdue, and again every working day after;
- a department's treasurers, five working days before the taxes they collected in a month are
  to be deposited (orders.tax_register).

Each is told once per person (a notification key, per day for an overdue invoice), however
often the check runs; each order in its own action, so one order's trouble stops no other.
"""

import datetime
import logging

from django.urls import reverse
from django.utils import formats, timezone

from market.models import Department, DepartmentRole, Notification
from market.selectors import people_of_department
from market.services.notifications import notify
from market.transactions import action
from orders.actions import ACCEPT, APPROVE
from orders.models import Invoice, PurchaseOrder
from orders.selectors import invoices_unpaid, response_deadlines
from orders.services.notifying import once_key, order_notify
from orders.tax_register import collected_by_department, deposit_due_date
from procurement.selectors import holidays_between, working_days_after, working_days_between

logger = logging.getLogger(__name__)

APPROVAL_WAITING_WORKING_DAYS = 2


@action
def _remind(
    *,
    order: PurchaseOrder,
    event: str,
    date: datetime.date,
    invoice: Invoice | None,
    day: datetime.date | None,
) -> None:
    order_notify(order=order, event=event, by=None, invoice=invoice, day=day, date=date.isoformat())


def _orders(statuses):
    """The orders waiting for an action (its sources), with what their reminders read."""
    return PurchaseOrder.objects.filter(status__in=statuses).select_related(
        "department", "vendor", "requester", "approver", "budget_line__fiscal_year"
    )


def _due(today: datetime.date):
    """(order, event, date, invoice or None, day or None) of every reminder due today, told or
    not; `day` is set for one told again each working day."""
    holidays = holidays_between(today - datetime.timedelta(days=90), today + datetime.timedelta(90))
    approved = list(_orders(ACCEPT.sources))
    deadlines = response_deadlines(approved)
    last_warning_day = working_days_after(today, 1, holidays)
    for order in approved:
        if today <= deadlines[order.pk] <= last_warning_day:
            yield order, "expires_soon", deadlines[order.pk], None, None
    for order in _orders(APPROVE.sources).filter(submitted_at__isnull=False):
        submitted = timezone.localtime(order.submitted_at).date()
        if working_days_after(submitted, APPROVAL_WAITING_WORKING_DAYS, holidays) < today:
            yield order, "approval_waiting", submitted, None, None
    working_day = today.weekday() < 5 and today not in holidays
    for invoice in invoices_unpaid():
        order, due = invoice.order, invoice.due_date
        if today > due and working_day:
            yield order, "payment_overdue", due, invoice, today
        elif today < due <= last_warning_day:
            yield order, "payment_due_soon", due, invoice, None


def order_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders due today that were not sent before; how many orders were reminded."""
    due = list(_due(today or timezone.localdate()))
    keys = [
        once_key(order.pk, event, invoice and invoice.pk, day)
        for order, event, _date, invoice, day in due
    ]
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    reminded = 0
    for (order, event, date, invoice, day), key in zip(due, keys, strict=True):
        if key in told:
            continue
        try:
            _remind(order=order, event=event, date=date, invoice=invoice, day=day)
            reminded += 1
        except Exception:  # one order's trouble must not stop the others' reminders
            logger.exception("Could not remind about order %s (%s)", order.pk, event)
    return reminded


DEPOSIT_WARNING_WORKING_DAYS = 5


def tax_deposit_reminders_send(*, today: datetime.date | None = None) -> int:
    """Tell each department's treasurers, once, in the five working days before the taxes
    they collected last month are due for deposit; how many departments were told."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    due = deposit_due_date(month)
    if not 0 <= working_days_between(today, due) <= DEPOSIT_WARNING_WORKING_DAYS:
        return 0
    collected = collected_by_department(month)
    keys = {pk: f"taxes:deposit:{pk}:{month:%Y-%m}" for pk in collected}
    told = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    departments = Department.objects.in_bulk(list(collected))
    reminded = 0
    for pk, amount in collected.items():
        if keys[pk] in told:
            continue
        _deposit_remind(
            department=departments[pk], month=month, due=due, amount=amount, key=keys[pk]
        )
        reminded += 1
    return reminded


@action
def _deposit_remind(*, department, month, due, amount, key) -> None:
    notify(
        kind="taxes.deposit_due",
        recipients=people_of_department(department, DepartmentRole.TREASURER),
        params={
            "code": department.code,
            "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            "amount": amount,
            "date": due.isoformat(),
        },
        link=f"{reverse('tax-register')}?department={department.code}&month={month:%Y-%m}",
        key=key,
    )
