"""Thin Celery tasks of the orders app; each is safe to run twice."""

from celery import shared_task

from orders.idempotency import forget_old_keys
from orders.services.exports import export_run
from orders.services.reminders import order_reminders_send, tax_deposit_reminders_send
from orders.services.standing import standing_orders_due
from orders.services.transitions import orders_expire_due


@shared_task(name="orders.expire_unanswered")
def expire_unanswered() -> list[str]:
    return orders_expire_due()


@shared_task(name="orders.run_standing_orders")
def run_standing_orders() -> list[str]:
    return [f"{run.standing_order_id}:{run.outcome}" for run in standing_orders_due()]


@shared_task(name="orders.forget_old_idempotency_keys")
def forget_old_idempotency_keys() -> int:
    return forget_old_keys()


@shared_task(name="orders.write_export", acks_late=True)
def write_export(export_id: int) -> str:
    """The job orders.services.exports.export_request asks for (run by worker.jobs)."""
    export = export_run(export_id=export_id)
    return export.status if export else "missing"


@shared_task(name="orders.send_reminders")
def send_reminders() -> int:
    """Every morning: the orders' reminders, and the treasurers' tax deposit reminders."""
    return order_reminders_send() + tax_deposit_reminders_send()
