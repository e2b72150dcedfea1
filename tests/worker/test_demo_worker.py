"""The demo's worker: `make demo` runs Celery on kombu's file-system transport (no server to
install), so an export asked for on the page is written by the worker after the page answered,
and the page follows it, as in production."""

import pytest
from celery.contrib.testing.worker import start_worker

from orders.models import Export
from pasar.settings import file_broker_options
from tests.environment import POSTGRES_UP
from tests.factories import finance_officer
from tests.markers import committing
from tests.waiting import wait_until
from tests.worker.test_real_worker import celery_app

pytestmark = [
    committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_UP, reason="a worker thread needs PostgreSQL's commits"),
]


def filesystem_broker(folder):
    """A Celery app configured as the demo's: the project's settings, the file-system broker
    in `folder`; current while the block runs."""
    return celery_app(
        "filesystem://",
        broker_transport="worker.file_broker:Transport",
        broker_transport_options=file_broker_options(folder),
    )


def test_an_export_asked_on_the_page_is_written_by_the_worker_while_the_page_follows(
    login, world, tmp_path
):
    client = login(finance_officer())
    with filesystem_broker(tmp_path / "broker") as app:
        asked = client.post(
            "/exports/",
            {"kind": "orders", "file_format": "xlsx", "fiscal_year": world.line.fiscal_year.year},
        )
        assert asked.status_code == 302
        # The page answered before anything was written: the task waits for the worker.
        export = Export.objects.get()
        assert export.status == Export.Status.PENDING
        assert list((tmp_path / "broker" / "messages").iterdir()), "the task is in the broker"
        waiting = client.get("/exports/").content.decode()
        assert "Menunggu" in waiting and '<progress max="100" value="0">' in waiting

        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[app.conf.task_default_queue]
        ):
            assert wait_until(
                lambda: Export.objects.get(pk=export.pk).status == Export.Status.DONE
            ), Export.objects.get(pk=export.pk).error
    done = client.get("/exports/").content.decode()
    assert "Siap" in done and "Unduh" in done
