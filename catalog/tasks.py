"""Thin Celery tasks of the catalogue."""

from celery import shared_task

from catalog import services


@shared_task(name="catalog.make_thumbnail")
def make_thumbnail(image_id: int) -> None:
    """The job catalog.services.product_image_add asks for (run, and retried, by worker.jobs)."""
    services.product_image_make_thumbnail(image_id=image_id)
