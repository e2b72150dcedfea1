"""Running a job (market.models.Job) that the outbox's relay published: claimed as an outbox
message is, its task run here with the job's object id, its outcome recorded at once.

A runner claims the job in a short transaction of its own (status `running`, held for
JOB_LEASE; a job another runner holds is skipped), so a task delivered twice runs the job once;
the task itself runs holding no lock. A runner killed mid-run lets the job go when its hold
passes, and the sweeper publishes it again; the tasks are safe to run twice (an export already
written, a thumbnail already made, is left alone). A task that raises is tried again with the
outbox's backoff, up to its MAX_ATTEMPTS, then left `failed` for an administrator (admin, "Run
again").
"""

import datetime
import logging

from celery import current_app as celery_app
from celery.exceptions import NotRegistered
from django.db.models import Q
from django.utils import timezone

from market.models import Job
from market.transactions import action
from worker.outbox import after_failure

logger = logging.getLogger(__name__)

Status = Job.Status
# Longer than a job may take (an export of a million lines writes in about four minutes), and as
# long as Redis's visibility timeout, after which it hands a dead worker's task out again.
JOB_LEASE = datetime.timedelta(hours=1)


@action
def _claim(*, job_id: int, now: datetime.datetime) -> Job | None:
    """Take the job if it is due and no other runner holds it."""
    job = (
        Job.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=job_id)
        .filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.RUNNING, lease_until__lt=now)
        )
        .first()
    )
    if job is not None:
        job.status, job.attempts = Status.RUNNING, job.attempts + 1
        job.lease_until = now + JOB_LEASE
        job.save(update_fields=["status", "attempts", "lease_until"])
    return job


def _record(job: Job, **outcome) -> None:
    """The outcome, as a single UPDATE of the row while this runner still holds it."""
    Job.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(
        lease_until=None, **outcome
    )


def _task(name: str):
    if name not in celery_app.tasks:
        # What a worker does when it starts: import every app's tasks module (a process that
        # runs tasks eagerly, as the tests and a demo without a broker do, has not).
        celery_app.loader.import_default_modules()
    return celery_app.tasks[name]


def job_run(*, job_id: int) -> str:
    """Run the job's task once; returns what became of the job ("skipped" when it was not due,
    done, or held by another runner)."""
    job = _claim(job_id=job_id, now=timezone.now())
    if job is None:
        return "skipped"
    try:
        task = _task(job.task)
    except NotRegistered:
        _record(job, status=Status.FAILED, last_error=f"No task is named {job.task!r}.")
        return Status.FAILED
    try:
        task(job.object_id)
    except Exception as error:
        logger.exception("Job %s (%s, attempt %s) failed", job.pk, job.task, job.attempts)
        outcome = after_failure(job, error)
        _record(job, **outcome)
        return outcome["status"]
    _record(job, status=Status.DONE, finished_at=timezone.now())
    return Status.DONE
