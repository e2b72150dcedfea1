"""Real threads on PostgreSQL: two receivers rating one order at once, and ratings of one vendor
given at once, each end as if taken in turn (the vendor's row lock, ratings.services)."""

import pytest
from django.db import connection

from market.errors import Conflict
from market.models import DepartmentRole
from ratings.models import Rating
from tests.factories import member
from tests.markers import committing
from tests.races import race
from tests.ratings.conftest import delivered, rate
from tests.ratings.test_services import assert_rollup_matches

pytestmark = [pytest.mark.postgres, committing]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proved on PostgreSQL")


def test_two_receivers_rating_one_order_at_once_make_one_rating(world):
    order = delivered(world)
    receivers = [world.receiver, member(DepartmentRole.RECEIVER, world.department)]

    def give(index):
        return rate(world, order, (5, 4, 3) if index else (1, 2, 3), by=receivers[index])

    results, errors = race(2, give)
    assert len(results) == 1 and len(errors) == 1
    # The second waited for the first's lock and found its rating: a refusal, not a crash.
    assert isinstance(errors[0], Conflict), errors
    assert Rating.objects.filter(order=order).count() == 1
    assert assert_rollup_matches(world.rice.vendor_id).rating_count == 1


def test_ratings_of_one_vendor_given_at_once_are_all_counted(world):
    orders = [delivered(world) for _ in range(4)]
    receivers = [world.receiver] + [
        member(DepartmentRole.RECEIVER, world.department) for _ in range(3)
    ]

    def give(index):
        return rate(world, orders[index], (index + 1, 5, 4), by=receivers[index])

    results, errors = race(4, give)
    assert len(results) == 4 and not errors, errors
    vendor = assert_rollup_matches(world.rice.vendor_id)
    assert vendor.rating_count == 4 and vendor.rating_timeliness_total == 1 + 2 + 3 + 4
