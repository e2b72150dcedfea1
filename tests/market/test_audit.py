import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from market.models import AuditEvent
from market.models.audit import AuditTrailIsAppendOnly
from market.services.audit import audit_record, audit_verify_chain
from tests.factories import DepartmentFactory, UserFactory
from tests.markers import committing

pytestmark = pytest.mark.django_db


def _record_three():
    actor, department = UserFactory(), DepartmentFactory()
    return [
        audit_record(
            actor=actor,
            action="department.update",
            target=department,
            before={"name": f"old {n}"},
            after={"name": f"new {n}", "amount": 1_250_000},
        )
        for n in range(3)
    ]


def _tamper(sql: str, params=()):
    """Change the table behind the application's back, as a person with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for a session; the chain must still tell.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER market_auditevent_append_only")
            cursor.execute(sql, params)
            cursor.execute(
                "CREATE TRIGGER market_auditevent_append_only BEFORE UPDATE ON market_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
            )


def test_events_form_a_chain_that_verifies():
    first, second, third = _record_three()

    assert (first.sequence, second.sequence, third.sequence) == (1, 2, 3)
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert first.actor_label and first.object_type == "market.department"
    assert audit_verify_chain().ok
    call_command("verify_audit")


def test_altering_an_event_in_the_database_breaks_the_chain_at_that_event():
    _, second, _ = _record_three()
    _tamper(
        "UPDATE market_auditevent SET after = %s WHERE id = %s",
        ['{"name": "new 1", "amount": 1}', second.pk],
    )

    report = audit_verify_chain()
    assert not report.ok and report.broken_sequence == 2 and report.checked == 1
    with pytest.raises(CommandError, match="event #2"):
        call_command("verify_audit")


def test_deleting_an_event_in_the_middle_or_at_the_end_is_noticed():
    first, _, third = _record_three()
    _tamper("DELETE FROM market_auditevent WHERE id = %s", [third.pk])
    assert audit_verify_chain().broken_sequence == 3

    _tamper("DELETE FROM market_auditevent WHERE id = %s", [first.pk])
    assert audit_verify_chain().broken_sequence == 1


def test_the_application_refuses_to_change_or_delete_events():
    event = _record_three()[0]

    event.action = "something.else"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_change_events():
    event = _record_three()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE market_auditevent SET action = 'x' WHERE id = %s", [event.pk])


@pytest.mark.postgres
@committing
def test_concurrent_writers_keep_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    department, actors = DepartmentFactory(), [UserFactory() for _ in range(8)]
    barrier, errors = threading.Barrier(len(actors)), []

    def write(actor):
        try:
            barrier.wait()
            for n in range(5):
                with transaction.atomic():
                    audit_record(
                        actor=actor, action="test.write", target=department, after={"n": n}
                    )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = audit_verify_chain()
    assert report.ok and report.checked == 40
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 41)
    )
