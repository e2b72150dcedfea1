"""Scans record findings as flags: the same evidence never twice, new evidence added to the open
flag and said on its history, reviewed evidence never raised again; two scans at once raise one
flag (PostgreSQL, real threads)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from integrity.models import Flag, FlagEvent, FlagStatus, Scan
from integrity.services import flag_review, scan_request, scan_run
from market.models import AuditEvent, OrganisationRole
from tests.factories import OrganisationMembershipFactory
from tests.integrity.conftest import placed, product_of


def _scan(world):
    return scan_run(scan_id=scan_request(by=None, fiscal_year=world.line.fiscal_year).pk)


def _raisings(flag) -> int:
    """How many audit events say the flag was raised."""
    events = AuditEvent.objects.filter(action="integrity.flags.raise")
    return sum(flag.pk in event.after["flags"] for event in events)


def _split_flags():
    return Flag.objects.filter(indicator="split_purchase", rule="vendor_window")


@pytest.fixture
def split(market):
    product = product_of(price=1_000_000)
    orders = [placed(market, product, 6, days_ago=20), placed(market, product, 5, days_ago=10)]
    return market, product, orders


def test_scanning_twice_gives_the_same_flags(db, split):
    world, _product, orders = split
    first = _scan(world)
    flags = {(f.indicator, f.key, tuple(f.order_ids)) for f in Flag.objects.all()}
    second = _scan(world)
    assert first.status == second.status == Scan.Status.DONE
    assert {(f.indicator, f.key, tuple(f.order_ids)) for f in Flag.objects.all()} == flags
    assert second.raised == 0 and second.extended == 0
    (flag,) = _split_flags()
    assert flag.order_ids == [o.pk for o in orders]
    assert _raisings(flag) == 1


def test_a_third_split_order_extends_the_open_flag(db, split):
    world, product, orders = split
    _scan(world)
    third = placed(world, product, 3, days_ago=1)
    scan = _scan(world)
    (flag,) = _split_flags()
    assert flag.order_ids == [*(o.pk for o in orders), third.pk]
    assert flag.updated_by == scan and scan.extended >= 1
    event = flag.events.get(kind=FlagEvent.Kind.EXTENDED)
    assert event.details["order"] == [third.pk]


def test_reviewed_evidence_is_not_raised_again_but_new_evidence_is(db, split):
    world, product, _orders = split
    _scan(world)
    inspector = OrganisationMembershipFactory(role=OrganisationRole.INSPECTOR).user
    flag_review(
        flag=_split_flags().get(), by=inspector, outcome="explained", reason="Dua kegiatan."
    )
    _scan(world)
    assert _split_flags().count() == 1
    placed(world, product, 3, days_ago=1)
    _scan(world)
    assert _split_flags().count() == 2
    assert _split_flags().filter(status=FlagStatus.OPEN).count() == 1


def test_the_command_scans_the_current_year(db, split, capsys):
    call_command("scan_integrity")
    assert "flags raised" in capsys.readouterr().out
    assert _split_flags().count() == 1


def test_a_second_request_while_one_waits_is_the_same_scan(db, market):
    year = market.line.fiscal_year
    assert scan_request(by=None, fiscal_year=year) == scan_request(by=None, fiscal_year=year)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_one_flag(split):
    """One scan run twice at once (a job delivered twice, the night's run beside a retry):
    both find the same split; the constraint of one open flag per key, and the lock on it,
    leave one flag, the loser adding nothing to it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are proved on PostgreSQL")
    world, _product, _orders = split
    scan = Scan.objects.create(fiscal_year=world.line.fiscal_year, indicators_total=1)
    scans = [scan, scan]
    barrier = threading.Barrier(2)
    errors = []

    def run(scan_id):
        try:
            barrier.wait()
            scan_run(scan_id=scan_id)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(scan.pk,)) for scan in scans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _split_flags().count() == 1
    assert _raisings(_split_flags().get()) == 1
