import pytest
from django_celery_beat.models import PeriodicTask

from market.services.audit import audit_record
from worker.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def test_the_nightly_audit_check_is_scheduled_in_the_database():
    task = PeriodicTask.objects.get(task="worker.verify_audit_chain")
    assert task.enabled and task.crontab.hour == "2"


def test_lost_thumbnails_are_made_by_the_sweeper(settings, tmp_path):
    from catalog.models import ProductImage
    from catalog.tasks import make_missing_thumbnails
    from tests.factories import ProductFactory
    from tests.images import image_file

    settings.MEDIA_ROOT = tmp_path
    assert PeriodicTask.objects.get(task="catalog.make_missing_thumbnails").enabled
    image = ProductImage(product=ProductFactory(), content_type="image/jpeg", width=64, height=48)
    image.image.save("lost.jpg", image_file())
    assert make_missing_thumbnails.delay().get() == 1
    image.refresh_from_db()
    assert image.thumbnail
    assert make_missing_thumbnails.delay().get() == 0


def test_the_audit_check_task_reports_the_chain(django_capture_on_commit_callbacks):
    audit_record(actor=None, action="test.event")
    result = verify_audit_chain.delay().get()
    assert result == {"ok": True, "checked": 1, "broken_sequence": None}


def test_order_schedules_are_in_the_database():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"orders.expire_unanswered", "orders.run_standing_orders"} <= tasks
