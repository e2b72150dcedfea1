"""The transactional outbox: rows an action writes in its own transaction for what must leave the
database after the commit (an e-mail or WhatsApp message, market.models.notifications; a job for
a Celery worker, here), so that each exists exactly when the change does. One relay publishes
them after the commit and one sweeper publishes again what still waits (worker.outbox)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxRow(models.Model):
    """What the relay and the sweeper read of every row that waits to leave, and what records
    its attempts (its `status` is its own: pending, held, done or failed)."""

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When it may go (again): at once, then after each failure's backoff. A task that arrives
    # earlier (a duplicate) leaves it alone.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When it was handed to Celery, until a task takes it: the sweeper hands it again only after
    # RELAY_GRACE (the task may still be queued), or at once when no task holds it.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # A sender or runner holds the row until then; one that died lets it go when it passes.
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        abstract = True


class Job(OutboxRow):
    """A task to run once with an object's id (an export to write, a thumbnail to make).

    Written by market.services.outbox.job_queue; the relay publishes it after the commit and the
    sweeper publishes again what still waits, so nothing is lost while Redis or a worker is away.
    A runner claims it before running its task (worker.jobs), so a task delivered twice runs it
    once; a failure is tried again after a backoff, then left `failed` for an administrator.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # The Celery task's name (its `@shared_task(name=...)`), called with `object_id`.
    task = models.CharField(_("task"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("object id"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "running"]),
                name="job_due_idx",
            ),
            models.Index(fields=["status", "-id"], name="job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}({self.object_id}) #{self.pk} ({self.get_status_display()})"
