"""Thin Celery tasks of the catalogue."""

from celery import shared_task

from catalog import services


@shared_task(name="catalog.make_thumbnail", autoretry_for=(OSError,), max_retries=3)
def make_thumbnail(image_id: int) -> None:
    services.product_image_make_thumbnail(image_id=image_id)


@shared_task(name="catalog.make_missing_thumbnails")
def make_missing_thumbnails() -> int:
    """Beat sweeper: thumbnails whose task was lost (broker down) are made here."""
    missing = services.product_images_missing_thumbnails()
    for image_id in missing:
        services.product_image_make_thumbnail(image_id=image_id)
    return len(missing)
