"""Who is told what about a purchase order, in the transaction that moves it.

Each event tells the people whose turn it is (or, for a refusal, the other parties, with the
reason), never the person who acted, and never someone who may not see the order. Each message
names the order's number, the other party (the vendor for department staff, the department for
the vendor) and the amount, and links to the order.
"""

from django.urls import reverse

from market.models import DepartmentRole, User
from market.selectors import finance_officers, people_of_department
from market.services.notifications import notify
from orders.actions import ACTIONS
from orders.models import Actor, Invoice, PurchaseOrder
from orders.selectors import orders_visible_to, response_deadline
from vendors.permissions import acts_for
from vendors.selectors import vendor_people

# A step happens once by itself (each of several shipments is news of its own); a reminder or
# the daily check may run again, and is told once per person.
ONCE_PER_PERSON = {"expires_soon", "approval_waiting", "payment_due_soon", "payment_overdue"}

# What is told of an order besides its actions (each action says its own: orders.actions):
# a card that failed, the reminders and the daily payment check (orders.services.reminders).
EVENTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "card_failed": (("order.card_failed", (Actor.TREASURER,)),),
    # Accepted: the vendor's copy of the surat pesanan, to whoever accepted it too.
    "purchase_order": (("order.purchase_order", (Actor.VENDOR,)),),
    "expires_soon": (("order.expires_soon", (Actor.VENDOR,)),),
    "approval_waiting": (("order.approval_waiting", (Actor.APPROVER,)),),
    "payment_due_soon": (("order.payment_due_soon", (Actor.TREASURER,)),),
    "payment_overdue": (("order.payment_overdue", (Actor.APPROVER, Actor.FINANCE)),),
}


def _told(event: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return ACTIONS[event].told if event in ACTIONS else EVENTS.get(event, ())


def once_key(order_id: int, event: str, invoice_id: int | None = None, day=None) -> str:
    """The key a reminder is told once under: per order (and invoice), or per day for one told
    again every working day (an overdue payment)."""
    key = f"order:{order_id}:{event}"
    key = f"{key}:invoice:{invoice_id}" if invoice_id else key
    return f"{key}:{day.isoformat()}" if day else key


def _people(order: PurchaseOrder, audience: str) -> list[User]:
    if audience == Actor.REQUESTER:
        return [order.requester]
    if audience == Actor.APPROVER:
        return [order.approver]
    if audience == Actor.VENDOR:
        return list(vendor_people(order.vendor_id))
    if audience == Actor.FINANCE:
        return list(finance_officers(order.department.organisation_id))
    return list(people_of_department(order.department, DepartmentRole(audience)))


def _may_see(user: User, order: PurchaseOrder) -> bool:
    return orders_visible_to(user).filter(pk=order.pk).exists()


def order_notify(
    *,
    order: PurchaseOrder,
    event: str,
    by: User | None,
    invoice: Invoice | None = None,
    day=None,
    **facts,
) -> None:
    """Tell the event's audiences about the order (inside the action that moved it). An event
    about one invoice (billed, paid, due) names the invoice's amount, not the order's."""
    link = reverse("order-detail", args=[order.pk])
    if event == "invoice" and invoice is None:
        invoice = order.invoices.order_by("pk").last()
    amount = facts.pop("amount", None)
    if amount is None:
        amount = invoice.amount if invoice else order.total
    if event == "invoice":
        facts.setdefault("date", invoice.due_date.isoformat())
    if event == "approve":  # the vendor is told the day it must answer by
        facts.setdefault("date", response_deadline(order).isoformat())
    for kind, audiences in _told(event):
        people = [
            person
            for audience in audiences
            for person in _people(order, audience)
            if by is None or person.pk != by.pk
        ]
        notify(
            kind=kind,
            recipients=[person for person in people if _may_see(person, order)],
            params=lambda person: {
                "number": order.number,
                "party": order.department.name
                if acts_for(person, order.vendor_id)
                else order.vendor.display_name,
                "amount": amount,
                "reason": order.reason,
                **facts,
            },
            target=order,
            link=link,
            key=once_key(order.pk, event, invoice and invoice.pk, day)
            if event in ONCE_PER_PERSON
            else "",
        )
