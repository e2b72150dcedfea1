"""Time passing for what waits in the outbox, as the sweeper sees it."""

import datetime

from django.db.models import F

from market.models import Job
from market.services.outbox import RELAY_GRACE


def relay_grace_passes() -> None:
    """Move every job's publication back past the relay's grace, as if it had passed: the
    sweeper no longer leaves them to the relay."""
    Job.objects.exclude(published_at=None).update(
        published_at=F("published_at") - RELAY_GRACE - datetime.timedelta(seconds=1)
    )
