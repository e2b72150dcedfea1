import pytest
from django_celery_beat.models import PeriodicTask

from market.services.audit import audit_record
from worker.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def test_the_nightly_audit_check_is_scheduled_in_the_database():
    task = PeriodicTask.objects.get(task="worker.verify_audit_chain")
    assert task.enabled and task.crontab.hour == "2"


def test_the_audit_check_task_reports_the_chain(django_capture_on_commit_callbacks):
    audit_record(actor=None, action="test.event")
    result = verify_audit_chain.delay().get()
    assert result == {"ok": True, "checked": 1, "broken_sequence": None}
