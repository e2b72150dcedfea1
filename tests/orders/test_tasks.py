"""The orders app's Celery tasks: thin, and safe to run twice."""

import datetime

import pytest
from django.utils import timezone

from orders.tasks import expire_unanswered, run_standing_orders

pytestmark = pytest.mark.django_db


def test_the_order_tasks_call_their_services_and_are_safe_twice(world):
    world.standing_order()
    assert run_standing_orders.delay().get() == [
        f"{world.department.standing_orders.get().pk}:ordered"
    ]
    assert run_standing_orders.delay().get() == []
    assert expire_unanswered.delay().get() == []


def test_old_idempotency_keys_are_forgotten(world):
    from orders.models import IdempotencyKey
    from orders.tasks import forget_old_idempotency_keys

    old = IdempotencyKey.objects.create(user=world.requester, key="old", fingerprint="x")
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    IdempotencyKey.objects.create(user=world.requester, key="new", fingerprint="y")
    assert forget_old_idempotency_keys.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
