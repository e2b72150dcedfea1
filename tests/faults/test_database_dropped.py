"""The database connection dropped in the middle of a checkout (its backend terminated from
outside, as a failover or an administrator would): the request fails cleanly in the API's
error format, nothing of it is written, the same request sent again goes through once, and the
audit chain verifies."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from orders.models import PurchaseOrder
from orders.services import placing
from procurement.models import SpendEntry
from tests.markers import committing
from tests.orders.test_api import checkout, fill_cart

pytestmark = [committing, pytest.mark.postgres]


def _terminate_own_backend():
    """From a connection of its own, end the backend serving Django's connection."""
    pid = connection.connection.info.backend_pid
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        dbname=database["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_checkout_whose_connection_drops_is_written_once_when_sent_again(
    api_as, world, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    buyer = api_as(world.requester)
    buyer.raise_request_exception = False
    fill_cart(buyer, world)
    locking = placing.budget_lines_lock

    def drop_then_lock(line_ids):  # after the stock is reserved, before the budget is taken
        _terminate_own_backend()
        return locking(line_ids)

    monkeypatch.setattr(placing, "budget_lines_lock", drop_then_lock)
    failed = checkout(buyer, world, key="checkout-dropped")
    assert failed.status_code == 500 and failed.json()["error"]["code"] == "server_error"
    connection.close()  # as the next request's health check does
    assert not PurchaseOrder.objects.exists() and not SpendEntry.objects.exists()
    world.rice.refresh_from_db()
    assert world.rice.reserved == 0

    monkeypatch.setattr(placing, "budget_lines_lock", locking)
    again = checkout(buyer, world, key="checkout-dropped")
    assert again.status_code == 201, again.json()
    assert PurchaseOrder.objects.count() == 2  # one per vendor, once
    call_command("verify_audit")
