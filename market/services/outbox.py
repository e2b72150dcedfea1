"""The one way out for effects: rows an action writes in its own transaction (outbox messages,
market.services.notifications; jobs, here), handed to the relay (settings.OUTBOX_RELAY) after
the commit, never before; the relay's sweeper hands over again what still waits after RELAY_GRACE.

Lock order (market.locks): nothing is locked here; rows are only inserted.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from market.models import Job

# The relay publishes a row when it is written; the sweeper publishes it again if it still
# waits this long after.
RELAY_GRACE = datetime.timedelta(minutes=2)


def relay_after_commit(*, message_ids: list[int] = (), job_ids: list[int] = ()) -> None:
    """Have the relay publish these rows once the caller's transaction has committed (nothing
    when it rolls back: the rows are gone with it)."""
    message_ids, job_ids = list(message_ids), list(job_ids)
    # The relay lives in the app that runs background work, above this one: the project's
    # settings name it (OUTBOX_RELAY). Without one, the sweeper alone hands the rows over.
    if (message_ids or job_ids) and settings.OUTBOX_RELAY:
        relay = import_string(settings.OUTBOX_RELAY)
        # robust: a relay that cannot publish must not turn a committed change into an error.
        transaction.on_commit(
            lambda: relay(message_ids=message_ids, job_ids=job_ids),
            robust=True,
        )


def job_queue(*, task: str, object_id: int) -> Job:
    """Ask for the Celery task named `task` to run once with `object_id`, in the caller's
    transaction: published after its commit, and only if it commits."""
    now = timezone.now()
    job = Job.objects.create(
        task=task,
        object_id=object_id,
        next_attempt_at=now,
        published_at=now,  # by the relay, just after the commit
        created_at=now,
    )
    relay_after_commit(job_ids=[job.pk])
    return job
