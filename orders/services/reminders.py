"""Reminders and the daily payment check (Celery beat, every morning).

- a vendor with one working day left to answer an approved order;
- the PPK of an order waiting for a decision more than two working days;
- the treasurers of each invoice due within PAYMENT_WARNING_DAYS, and, once it is past the
  policy's payment due days, the treasurers and the finance officers.

Each is told once per person (a notification key), however often the check runs; each order in
its own action, so one order's trouble stops no other.
"""

import datetime
import logging

from django.utils import timezone

from market.models import Notification
from market.transactions import action
from orders.actions import ACCEPT, APPROVE
from orders.models import Invoice, PurchaseOrder
from orders.selectors import (
    invoices_unpaid,
    payment_due_date,
    payment_due_days_by_year,
    response_deadlines,
)
from orders.services.notifying import once_key, order_notify
from procurement.selectors import holidays_between, working_days_after

logger = logging.getLogger(__name__)

APPROVAL_WAITING_WORKING_DAYS = 2
PAYMENT_WARNING_DAYS = 3


@action
def _remind(
    *, order: PurchaseOrder, event: str, date: datetime.date, invoice: Invoice | None
) -> None:
    order_notify(order=order, event=event, by=None, invoice=invoice, date=date.isoformat())


def _orders(statuses):
    """The orders waiting for an action (its sources), with what their reminders read."""
    return PurchaseOrder.objects.filter(status__in=statuses).select_related(
        "department", "vendor", "requester", "approver", "budget_line__fiscal_year"
    )


def _due(today: datetime.date):
    """(order, event, date, invoice or None) of every reminder due today, told or not."""
    holidays = holidays_between(today - datetime.timedelta(days=90), today + datetime.timedelta(90))
    approved = list(_orders(ACCEPT.sources))
    deadlines = response_deadlines(approved)
    last_warning_day = working_days_after(today, 1, holidays)
    for order in approved:
        if today <= deadlines[order.pk] <= last_warning_day:
            yield order, "expires_soon", deadlines[order.pk], None
    for order in _orders(APPROVE.sources).filter(submitted_at__isnull=False):
        submitted = timezone.localtime(order.submitted_at).date()
        if working_days_after(submitted, APPROVAL_WAITING_WORKING_DAYS, holidays) < today:
            yield order, "approval_waiting", submitted, None
    days_by_year = payment_due_days_by_year()
    for invoice in invoices_unpaid():
        order = invoice.order
        due = payment_due_date(invoice, days_by_year[order.budget_line.fiscal_year_id])
        if today > due:
            yield order, "payment_overdue", due, invoice
        elif (due - today).days <= PAYMENT_WARNING_DAYS:
            yield order, "payment_due_soon", due, invoice


def order_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders due today that were not sent before; how many orders were reminded."""
    due = list(_due(today or timezone.localdate()))
    keys = [once_key(order.pk, event, invoice and invoice.pk) for order, event, _d, invoice in due]
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    reminded = 0
    for (order, event, date, invoice), key in zip(due, keys, strict=True):
        if key in told:
            continue
        try:
            _remind(order=order, event=event, date=date, invoice=invoice)
            reminded += 1
        except Exception:  # one order's trouble must not stop the others' reminders
            logger.exception("Could not remind about order %s (%s)", order.pk, event)
    return reminded
