"""Someone with write access to the database tries to rewrite the audit trail unnoticed: they
edit an event and recompute every later hash and the head; delete the last events and move the
head back; TRUNCATE the table; or empty it and reset the head. Each makes verify_audit fail,
naming what it found: the hashes are keyed with AUDIT_KEY, which is not in the database, and
the head is compared with the newest signed checkpoint kept outside it (signed at least every
minute while events are written, so at most the last minute's events can vanish unnoticed)."""

import hashlib
import hmac
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from market.models import AuditChainHead, AuditCheck, AuditEvent
from market.services.audit import _hashed_fields, audit_record, audit_verify_chain
from market.services.audit_checkpoints import (
    Checkpoint,
    audit_checkpoint_latest,
    audit_checkpoint_log,
    audit_checkpoint_write,
    audit_checkpoints,
)
from tests.factories import DepartmentFactory, UserFactory
from tests.market.test_audit import _tamper

pytestmark = pytest.mark.django_db


def _record(count: int) -> list[AuditEvent]:
    actor, department = UserFactory(), DepartmentFactory()
    return [
        audit_record(actor=actor, action="budget.update", target=department, after={"n": n})
        for n in range(count)
    ]


def _attackers_hash(previous: str, event: AuditEvent, key: bytes | None) -> str:
    payload = json.dumps(_hashed_fields(event), sort_keys=True, separators=(",", ":"))
    message = f"{previous}|{payload}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _move_head(sequence: int, hash: str) -> None:
    AuditChainHead.objects.filter(pk=1).update(sequence=sequence, hash=hash)


def _verify_fails(*args) -> str:
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", *args)
    return str(failed.value)


@pytest.mark.parametrize(
    ("key", "key_id"),
    [(None, "1"), (None, ""), (b"a-guess-at-the-key", "1")],
    ids=["sha256", "sha256-unkeyed", "guessed-key"],
)
def test_an_edited_event_with_every_later_hash_recomputed_is_caught(key, key_id):
    events = _record(5)
    previous = events[0].hash
    for event in events[1:]:  # the edit, then every link after it made to agree again
        if event.sequence == 2:
            event.after = {"n": 1_000_000}
        event.previous_hash, event.key_id = previous, key_id
        event.hash = _attackers_hash(previous, event, key)
        _tamper(
            "UPDATE market_auditevent SET after = %s, previous_hash = %s, hash = %s, key_id = %s "
            "WHERE id = %s",
            [json.dumps(event.after), event.previous_hash, event.hash, key_id, event.pk],
        )
        previous = event.hash
    _move_head(5, previous)

    report = audit_verify_chain()
    assert not report.ok and report.broken_sequence == 2
    assert _verify_fails().startswith("Audit chain broken at event #2: ")


def test_deleting_the_last_events_and_moving_the_head_back_is_caught_by_the_checkpoint():
    events = _record(5)
    audit_checkpoint_write()
    _tamper("DELETE FROM market_auditevent WHERE sequence > 3")
    _move_head(3, events[2].hash)

    assert audit_verify_chain().ok  # the chain agrees with itself...
    for args in ((), ("--since-checkpoint",)):  # ...not with what was signed outside it
        assert "recorded event #5" in _verify_fails(*args)


@pytest.mark.postgres
def test_truncate_is_refused_by_the_database():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    _record(2)
    with (
        pytest.raises(DatabaseError, match="TRUNCATE is refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own rows checked first
        cursor.execute("TRUNCATE market_auditevent CASCADE")
    assert AuditEvent.objects.count() == 2


def test_emptying_the_trail_and_resetting_the_head_is_caught_by_the_checkpoint():
    _record(3)
    audit_checkpoint_write()
    _tamper("DELETE FROM market_auditevent")  # a superuser's TRUNCATE, triggers off
    _move_head(0, "0" * 64)

    assert audit_verify_chain().checked == 0
    assert "recorded event #3" in _verify_fails()


def test_a_checkpoint_edited_to_match_a_shortened_trail_is_refused(tmp_path):
    events = _record(4)
    checkpoint = audit_checkpoint_write()
    forged = Checkpoint(2, events[1].hash, checkpoint.time, checkpoint.key_id, checkpoint.signature)
    path = tmp_path / "forged.json"
    path.write_text(forged.to_json())
    assert "signature does not hold" in _verify_fails("--checkpoint", str(path))


def test_an_intact_trail_verifies_against_its_checkpoint_and_from_it(tmp_path):
    _record(3)
    published = audit_checkpoint_write()
    _record(2)
    assert audit_checkpoint_latest() == published
    assert audit_verify_chain(checkpoint=published).ok
    assert audit_verify_chain(checkpoint=published, since=True).checked == 2
    path = tmp_path / "published.json"
    path.write_text(published.to_json())
    call_command("verify_audit", "--since-checkpoint", "--checkpoint", str(path))


def test_rotated_keys_keep_older_events_verifiable(settings):
    _record(2)
    settings.AUDIT_KEY_ID, settings.AUDIT_KEYS = "2", {**settings.AUDIT_KEYS, "2": "k" * 40}
    newer = _record(1)[0]
    assert newer.key_id == "2" and audit_verify_chain().ok
    settings.AUDIT_KEYS = {"2": "k" * 40}  # the old key thrown away: its events no longer verify
    report = audit_verify_chain()
    assert not report.ok and report.reason == "keyed with an unknown key (1)"


def test_the_nightly_check_signs_a_checkpoint_only_of_an_intact_chain():
    from worker.tasks import verify_audit_chain

    _record(3)
    assert verify_audit_chain()["ok"] and audit_checkpoints()[0].sequence == 3
    _tamper("UPDATE market_auditevent SET after = '{}' WHERE sequence = 2")
    assert not verify_audit_chain()["ok"] and len(audit_checkpoints()) == 1


def test_checkpoints_are_published_on_the_transparency_page_and_open_data(client):
    _record(2)
    checkpoint = audit_checkpoint_write()
    page = client.get("/transparency/")
    assert page.status_code == 200 and checkpoint.signature in page.content.decode()
    published = client.get("/api/v1/public/audit-checkpoints/").json()
    assert [Checkpoint(**row) for row in published] == [checkpoint]


def test_events_deleted_after_the_nightly_checkpoint_are_caught_by_the_minute_checkpoint():
    from worker.tasks import sign_audit_head, verify_audit_chain

    events = _record(3)
    verify_audit_chain()  # the night's walk of the chain, and its checkpoint of event #3
    nightly = audit_checkpoint_latest()
    events += _record(3)
    sign_audit_head()  # a minute later: the head, event #6, signed
    events += _record(1)  # event #7: written after the newest checkpoint, the window left
    _tamper("DELETE FROM market_auditevent WHERE sequence > 4")  # #5 to #7
    _move_head(4, events[3].hash)

    assert nightly.sequence == 3 and audit_verify_chain(checkpoint=nightly).ok
    for args in ((), ("--since-checkpoint",)):
        assert "recorded event #6" in _verify_fails(*args)


def test_the_checkpoint_log_outside_the_private_storage_still_holds_the_head(settings, tmp_path):
    from worker.tasks import sign_audit_head

    settings.AUDIT_CHECKPOINT_LOG = str(tmp_path / "elsewhere" / "audit-checkpoints.log")
    events = _record(2)
    audit_checkpoint_write()
    events += _record(2)
    sign_audit_head()
    # Someone who can write both the database and the private storage removes its files...
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT / "audit-checkpoints")
    _tamper("DELETE FROM market_auditevent WHERE sequence > 2")
    _move_head(2, events[1].hash)
    # ...but not the log, whose newest line recorded event #4.
    assert "recorded event #4" in _verify_fails()
    kept = tmp_path / "kept.log"
    shutil.copy(audit_checkpoint_log(), kept)
    assert "recorded event #4" in _verify_fails("--checkpoint", str(kept))


def test_the_head_is_signed_when_it_moved_and_only_over_an_intact_chain():
    from worker.tasks import sign_audit_head

    assert sign_audit_head() is None  # nothing written yet
    _record(2)
    first = sign_audit_head()
    assert first["sequence"] == 2 and audit_checkpoint_latest().sequence == 2
    assert sign_audit_head() is None  # the head has not moved: nothing new to sign
    assert len(audit_checkpoint_log().read_text().splitlines()) == 1
    _record(1)
    _tamper("UPDATE market_auditevent SET after = '{}' WHERE sequence = 3")
    for _minute in range(2):  # refused, and recorded for the audit page once
        assert sign_audit_head() is None
    assert audit_checkpoint_latest().sequence == 2
    check = AuditCheck.objects.get()
    assert not check.ok and check.broken_sequence == 3


def test_the_head_is_signed_every_half_minute_by_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="worker.sign_audit_head")
    assert task.enabled and (task.interval.every, task.interval.period) == (30, "seconds")


def test_a_head_moved_back_behind_events_still_there_is_caught():
    events = _record(4)
    _move_head(2, events[1].hash)  # events #3 and #4 left in place
    report = audit_verify_chain()
    assert not report.ok and report.broken_sequence == 3
    assert report.reason == "the head was moved back before this event"


def test_events_written_during_a_walk_are_left_for_the_next_one(monkeypatch):
    from market.services import audit

    events = _record(5)
    heads = iter([(3, events[2].hash), (5, events[4].hash)])
    # The walk read the head when it stood at #3; #4 and #5 committed (moving it) meanwhile.
    monkeypatch.setattr(audit, "_head", lambda: next(heads))
    report = audit_verify_chain()
    assert report.ok and report.checked == 3 and report.head == (3, events[2].hash)
