"""The project's Celery app with the bare baseline's task beside it, for bench/outbox_load.py:
a worker started with `-A bench.celery_app` runs both."""

from django.db import connection

from pasar.celery import app


@app.task(name="bench.bare_deliver")
def bare_deliver(message_id: int) -> None:
    """The least a delivery can do: one UPDATE, no claim, no lease, no channel."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE market_outboxmessage SET status = 'sent' WHERE id = %s", [message_id]
        )
