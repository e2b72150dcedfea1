"""Real threads on PostgreSQL racing for the same stock, budget, key and period."""

import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import Product
from market.errors import DomainError
from market.models import DepartmentRole
from market.transactions import before_commit_of_next_action
from orders.models import PurchaseOrder, StandingOrderRun
from orders.services import payments, placing, transitions
from orders.services.standing import standing_order_run
from procurement.models import BudgetLine
from procurement.services import budget_line_counters_from_ledger
from tests.factories import BudgetLineFactory, member
from tests.markers import committing
from tests.races import race

pytestmark = [pytest.mark.postgres, committing]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proved on PostgreSQL")


def assert_ledger_matches(line):
    line.refresh_from_db()
    assert budget_line_counters_from_ledger(line=line) == (line.committed, line.realised)
    assert line.committed + line.realised <= line.allocated


def test_thirty_buyers_racing_for_the_last_ten_units_never_oversell(world):
    Product.objects.filter(pk=world.besek.pk).update(stock=Decimal(10), minimum_order=Decimal(1))
    buyers = [world.requester] + [
        member(DepartmentRole.REQUESTER, world.department) for _ in range(29)
    ]

    def buy(index):
        return world.order((world.besek, "1"), requester=buyers[index])

    results, errors = race(30, buy)
    world.besek.refresh_from_db()
    assert len(results) == 10 and len(errors) == 20
    assert all(isinstance(error, DomainError) for error in errors), errors
    assert world.besek.reserved == Decimal(10) and world.besek.stock == Decimal(10)
    assert PurchaseOrder.objects.count() == 10
    assert_ledger_matches(world.line)


def test_twenty_checkouts_on_one_budget_line_never_overcommit(world):
    BudgetLine.objects.filter(pk=world.line.pk).update(allocated=1_450_000 * 7)  # room for 7
    buyers = [member(DepartmentRole.REQUESTER, world.department) for _ in range(20)]

    def buy(index):
        return world.order((world.rice, "100"), requester=buyers[index])

    results, errors = race(20, buy)
    assert len(results) == 7 and len(errors) == 13, errors
    assert all(isinstance(error, DomainError) for error in errors), errors
    numbers = sorted(order.number for order in PurchaseOrder.objects.all())
    year = world.line.fiscal_year.year
    assert numbers == [f"SP/DISDIK/{year}/{n:05d}" for n in range(1, 8)]  # no gaps
    world.line.refresh_from_db()
    assert world.line.committed == 1_450_000 * 7
    assert_ledger_matches(world.line)


def test_twenty_cancellations_on_one_budget_line_keep_its_counters_equal_to_the_ledger(world):
    """Made-to-order lines hold no stock, so nothing but the budget line's own lock stands
    between these releases: without it, counters lose updates."""
    Product.objects.filter(pk=world.rice.pk).update(made_to_order=True)
    orders = [world.order((world.rice, "10"))[0] for _ in range(20)]

    def cancel(index):
        return transitions.order_cancel(order=orders[index], by=world.requester, reason="Batal")

    results, errors = race(20, cancel)
    assert errors == [] and len(results) == 20
    world.line.refresh_from_db()
    assert world.line.committed == 0
    assert_ledger_matches(world.line)


def test_ten_replays_of_one_idempotency_key_create_one_order(world):
    placing.cart_set_item(
        user=world.requester, department=world.department, product_id=world.rice.pk, quantity="100"
    )
    body = {
        "department": "DISDIK",
        "budget_line": world.line.pk,
        "approver": world.approver.username,
        "delivery_address": "Kantor",
        "delivery_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    }

    def replay(index):
        client = APIClient()
        client.force_authenticate(world.requester)
        response = client.post(
            "/api/v1/cart/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key-1"
        )
        return response.status_code, response.json()

    results, errors = race(10, replay)
    assert errors == []
    assert {status for status, _ in results} == {201}
    bodies = {json.dumps(body, sort_keys=True) for _, body in results}
    assert len(bodies) == 1, bodies  # every replay got the first answer
    assert PurchaseOrder.objects.count() == 1
    assert_ledger_matches(world.line)


def test_a_standing_order_task_run_twice_for_one_period_creates_one_order(world):
    today = timezone.localdate()
    standing = world.standing_order()

    results, errors = race(
        2, lambda index: standing_order_run(standing_order=standing, period=today).pk
    )
    assert errors == [] and len(set(results)) == 1
    assert StandingOrderRun.objects.count() == 1
    assert PurchaseOrder.objects.filter(standing_order=standing).count() == 1


def _holding_locks(work, *, ready: threading.Event, release: threading.Event):
    """Run `work()` in a thread that stops just before its action commits, locks held."""
    errors = []

    def pause(_result):
        ready.set()
        assert release.wait(timeout=30), "the other action never finished"

    def run():
        try:
            with before_commit_of_next_action(pause):
                work()
        except Exception as error:  # reported by the test
            errors.append(error)
            ready.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(timeout=30)
    return thread, errors


def _without_waiting(work):
    """`work()` on a connection that refuses to wait for any row lock held elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    try:
        return work()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


@pytest.mark.parametrize("first", ["checkout", "rejection"])
def test_a_checkout_and_a_rejection_on_two_budget_lines_of_one_department_do_not_wait(world, first):
    """Locking a budget line locks only that line, not its fiscal year or department: a
    checkout on one line and a rejection on another, in the same department, each finish while
    the other holds its locks (and so can never deadlock)."""
    other_line = BudgetLineFactory(department=world.department, allocated=50_000_000)
    to_reject = world.order((world.rice, "100"), line=other_line)[0]

    def checkout():
        return world.order((world.besek, "10"))

    def rejection():
        return transitions.order_reject(order=to_reject, by=world.approver, reason="Dialihkan")

    holder, other = (checkout, rejection) if first == "checkout" else (rejection, checkout)
    ready, release = threading.Event(), threading.Event()
    thread, errors = _holding_locks(holder, ready=ready, release=release)
    try:
        _without_waiting(other)  # raises OperationalError (lock timeout) if it had to wait
    finally:
        release.set()
        thread.join(timeout=30)
    assert errors == []
    to_reject.refresh_from_db()
    assert to_reject.status == "rejected" and PurchaseOrder.objects.count() == 2
    assert_ledger_matches(world.line)
    assert_ledger_matches(other_line)


def _invoiced(world, product, quantity, line=None):
    order = world.order((product, quantity), line=line)[0]
    seller = world.rice_seller if product == world.rice else world.besek_seller
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=seller)
    line = order.lines.get()
    transitions.order_ship(order=order, by=seller, quantities={line.pk: quantity})
    transitions.order_receive(
        order=order,
        by=world.receiver,
        quantities={line.pk: quantity},
        received_on=timezone.localdate(),
        signed_by_name="Siti",
    )
    transitions.order_invoice(order=order, by=seller)
    return order


def test_one_sp2d_number_pays_one_invoice_even_when_two_treasurers_use_it_at_once(world):
    """Two invoices on two budget lines, so that only the number's uniqueness is shared."""
    other_line = BudgetLineFactory(department=world.department)
    orders = [_invoiced(world, world.rice, "10"), _invoiced(world, world.besek, "10", other_line)]
    treasurers = [world.treasurer, member(DepartmentRole.TREASURER, world.department)]

    def pay(index):
        return payments.order_pay(
            order=orders[index],
            by=treasurers[index],
            sp2d_number="00077/SP2D/LS/2026",
            sp2d_date=timezone.localdate(),
        )

    results, errors = race(2, pay)
    assert len(results) == 1 and len(errors) == 1
    assert "sp2d_number" in errors[0].fields
    assert sorted(PurchaseOrder.objects.values_list("status", flat=True)) == ["invoiced", "paid"]
    assert_ledger_matches(world.line)
