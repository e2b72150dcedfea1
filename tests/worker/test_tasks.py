import pytest
from django_celery_beat.models import PeriodicTask

from market.services.audit import audit_record
from worker.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def test_the_nightly_audit_check_is_scheduled_in_the_database():
    task = PeriodicTask.objects.get(task="worker.verify_audit_chain")
    assert task.enabled and task.crontab.hour == "2"


def test_lost_thumbnails_are_made_by_the_sweeper(
    settings, tmp_path, broker_away, django_capture_on_commit_callbacks
):
    from catalog.models import ProductImage
    from catalog.services import product_image_add
    from tests.factories import ProductFactory, vendor_member
    from tests.images import image_file
    from tests.outbox import relay_grace_passes
    from worker.outbox import outbox_sweep

    settings.MEDIA_ROOT = tmp_path
    assert PeriodicTask.objects.get(task="worker.sweep_outbox").enabled
    owner = vendor_member()
    product = ProductFactory(vendor=owner.vendor_membership.vendor)
    with broker_away(), django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(product=product, upload=image_file(), by=owner)
    relay_grace_passes()
    assert outbox_sweep() == 1
    image = ProductImage.objects.get(pk=image.pk)
    assert image.thumbnail
    assert outbox_sweep() == 0


def test_the_audit_check_task_reports_the_chain(django_capture_on_commit_callbacks):
    audit_record(actor=None, action="test.event")
    result = verify_audit_chain.delay().get()
    assert result == {"ok": True, "checked": 1, "broken_sequence": None}


def test_order_schedules_are_in_the_database():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"orders.expire_unanswered", "orders.run_standing_orders"} <= tasks
