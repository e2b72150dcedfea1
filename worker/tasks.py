"""Thin Celery tasks: each loads what it needs and calls a service; safe to run twice."""

from celery import shared_task

from market.services.api_tokens import api_tokens_forget_expired
from market.services.audit import audit_chain_check, audit_head_sign
from worker.heartbeat import worker_heard
from worker.jobs import job_run
from worker.outbox import message_deliver, messages_deliver, outbox_sweep
from worker.whatsapp_outgoing import code_send, reply_send


@shared_task(name="worker.verify_audit_chain")
def verify_audit_chain() -> dict:
    """Nightly: walk the whole audit chain against the newest signed checkpoint; then sign a
    checkpoint of a chain found intact."""
    report = audit_chain_check()
    return {"ok": report.ok, "checked": report.checked, "broken_sequence": report.broken_sequence}


@shared_task(name="worker.sign_audit_head")
def sign_audit_head() -> dict | None:
    """Every 30 seconds: sign the audit chain's head if it moved (what was signed, or None)."""
    checkpoint = audit_head_sign()
    return {"sequence": checkpoint.sequence, "time": checkpoint.time} if checkpoint else None


@shared_task(name="worker.deliver_messages", acks_late=True)
def deliver_messages(message_ids: list[int]) -> dict:
    """Send a batch of outbox messages; a second run finds them held or sent, and skips them."""
    return {str(pk): outcome for pk, outcome in messages_deliver(message_ids=message_ids).items()}


@shared_task(name="worker.deliver_message", acks_late=True)
def deliver_message(message_id: int) -> str:
    """One message (tasks published before batches existed)."""
    return message_deliver(message_id=message_id)


@shared_task(name="worker.run_jobs", acks_late=True)
def run_jobs(job_ids: list[int]) -> dict:
    """Run each job's task once; a second run finds them held or done, and skips them."""
    return {str(pk): job_run(job_id=pk) for pk in job_ids}


@shared_task(name="worker.sweep_outbox")
def sweep_outbox() -> int:
    """Every minute: publish again the messages and jobs that wait in the outbox (Redis was
    away, a retry is due)."""
    return outbox_sweep()


@shared_task(name="worker.forget_expired_tokens")
def forget_expired_tokens() -> int:
    """Nightly: API tokens past their expiry are deleted, each with an audit event."""
    return api_tokens_forget_expired()


@shared_task(name="worker.heartbeat")
def heartbeat() -> None:
    """Every 30 seconds: a worker is alive, for /readyz."""
    worker_heard()


@shared_task(name="worker.whatsapp_reply")
def whatsapp_reply(object_id: int) -> str:
    """A job: answer a WhatsApp message the webhook received (once: its reference)."""
    return reply_send(object_id)


@shared_task(name="market.phone_code_send")
def whatsapp_phone_code(object_id: int) -> str:
    """A job: send the code that proves a WhatsApp number (once: its reference)."""
    return code_send(object_id)
