"""Thin Celery tasks of the quotes app; each is safe to run twice."""

from celery import shared_task

from quotes.services import quotes_close_due


@shared_task(name="quotes.close_due")
def close_due() -> int:
    """Every few minutes (beat): close the quotes whose closing time has passed, each once."""
    return quotes_close_due()
