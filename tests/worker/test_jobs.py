"""Exports and thumbnails leave the database one way, as every effect does: a job row written in
the action's transaction (market.services.outbox.job_queue), published by the outbox's relay
after the commit and never inside it, published again by the outbox's one sweeper when it was
lost, run once however often its task is delivered, retried with backoff, and left for an
administrator when it keeps failing."""

import datetime
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from catalog import services as catalog_services
from catalog.models import ProductImage
from market.models import AuditEvent, Job
from market.services.outbox import job_queue
from market.transactions import action_scope
from orders.models import Export
from tests.factories import ProductFactory, finance_officer, vendor_member
from tests.images import image_file
from tests.worker.test_real_worker import celery_app, closed_port
from worker import tasks
from worker.jobs import JOB_LEASE, job_run
from worker.outbox import MAX_ATTEMPTS, outbox_sweep

pytestmark = pytest.mark.django_db
Status = Job.Status


@pytest.fixture
def photo(settings, tmp_path):
    """A vendor's product and a function uploading a photo of it through the API."""
    settings.MEDIA_ROOT = tmp_path
    owner = vendor_member()
    product = ProductFactory(vendor=owner.vendor_membership.vendor)

    def upload(api_as):
        return api_as(owner).post(
            f"/api/v1/vendor/products/{product.pk}/images/",
            {"image": image_file()},
            format="multipart",
        )

    return upload


def ask_for_export(api_as):
    return api_as(finance_officer()).post(
        "/api/v1/exports/", {"kind": "spend", "format": "csv"}, format="json"
    )


def test_a_photo_and_an_export_lost_while_the_broker_was_away_are_published_by_the_one_sweeper(
    api_as, world, photo, django_capture_on_commit_callbacks
):
    # Beat runs one sweeper for everything that leaves, the outbox's: no sweeper of their own.
    scheduled = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert "worker.sweep_outbox" in scheduled
    assert not {"catalog.make_missing_thumbnails", "orders.publish_waiting_exports"} & scheduled

    with (
        celery_app(f"redis://127.0.0.1:{closed_port()}/0"),  # Redis refuses connections
        django_capture_on_commit_callbacks(execute=True),
    ):
        uploaded, asked = photo(api_as), ask_for_export(api_as)
    assert uploaded.status_code == 201 and asked.status_code == 202  # both answered at once
    assert not ProductImage.objects.get().thumbnail
    assert Export.objects.get().status == Export.Status.PENDING

    assert outbox_sweep() == 0  # the relay may still be publishing them: too early
    # Beat runs the sweeper every minute; a quarter of an hour later, with Redis back:
    assert outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=15)) == 2
    assert ProductImage.objects.get().thumbnail
    assert Export.objects.get().status == Export.Status.DONE
    assert set(Job.objects.values_list("status", flat=True)) == {Status.DONE}
    outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=30))
    assert list(Job.objects.values_list("attempts", flat=True)) == [1, 1]  # done: not run again


def test_jobs_are_published_after_the_commit_never_inside_it(
    api_as, world, photo, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    original = tasks.run_jobs.apply_async
    monkeypatch.setattr(
        tasks.run_jobs,
        "apply_async",
        lambda args, **options: published.extend(args[0]) or original(args, **options),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert photo(api_as).status_code == 201
        assert ask_for_export(api_as).status_code == 202
        # The transactions have not committed yet (the test's own holds them): nothing left.
        assert published == []
        assert set(Job.objects.values_list("status", flat=True)) == {Status.PENDING}
    jobs = dict(Job.objects.values_list("task", "pk"))
    assert sorted(published) == sorted(jobs.values())
    assert set(jobs) == {"catalog.make_thumbnail", "orders.write_export"}
    assert ProductImage.objects.get().thumbnail
    assert Export.objects.get().status == Export.Status.DONE


def test_a_job_of_an_action_that_rolls_back_is_neither_kept_nor_published(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks() as published,
        pytest.raises(RuntimeError),
        action_scope(),
    ):
        job_queue(task="catalog.make_thumbnail", object_id=1)
        raise RuntimeError("the change failed")
    assert not Job.objects.exists() and published == []


@pytest.fixture
def thumbnail_job(settings, tmp_path):
    """A photo stored with its thumbnail's job written, not yet run."""
    settings.MEDIA_ROOT = tmp_path
    owner = vendor_member()
    product = ProductFactory(vendor=owner.vendor_membership.vendor)
    image = catalog_services.product_image_add(product=product, upload=image_file(), by=owner)
    return Job.objects.get(task="catalog.make_thumbnail", object_id=image.pk)


def test_a_job_delivered_twice_runs_once(thumbnail_job, monkeypatch):
    made, original = [], catalog_services.product_image_make_thumbnail
    monkeypatch.setattr(
        catalog_services,
        "product_image_make_thumbnail",
        lambda **kwargs: made.append(kwargs) or original(**kwargs),
    )
    assert job_run(job_id=thumbnail_job.pk) == Status.DONE
    assert job_run(job_id=thumbnail_job.pk) == "skipped"
    assert len(made) == 1
    thumbnail_job.refresh_from_db()
    assert thumbnail_job.attempts == 1 and thumbnail_job.finished_at


def test_a_runner_that_died_lets_the_job_go_when_its_hold_passes(thumbnail_job):
    Job.objects.filter(pk=thumbnail_job.pk).update(
        status=Status.RUNNING, attempts=1, lease_until=timezone.now() + JOB_LEASE
    )
    assert job_run(job_id=thumbnail_job.pk) == "skipped"  # held by the other runner
    assert outbox_sweep() == 0
    later = timezone.now() + JOB_LEASE + datetime.timedelta(minutes=1)
    assert outbox_sweep(now=later) == 1
    thumbnail_job.refresh_from_db()
    assert (thumbnail_job.status, thumbnail_job.attempts) == (Status.DONE, 2)
    assert ProductImage.objects.get().thumbnail


def test_a_failing_job_is_tried_again_with_backoff_then_an_administrator_runs_it_again(
    thumbnail_job, admin_client, django_capture_on_commit_callbacks
):
    image = ProductImage.objects.get()
    content = image.image.read()
    image.image.storage.delete(image.image.name)  # the photo is gone: the task raises
    before = timezone.now()
    assert job_run(job_id=thumbnail_job.pk) == Status.PENDING
    thumbnail_job.refresh_from_db()
    assert thumbnail_job.last_error.startswith("FileNotFoundError")
    assert before + datetime.timedelta(minutes=1) <= thumbnail_job.next_attempt_at
    assert job_run(job_id=thumbnail_job.pk) == "skipped"  # its backoff is not over
    for attempt in range(2, MAX_ATTEMPTS + 1):
        Job.objects.update(next_attempt_at=timezone.now())
        outcome = job_run(job_id=thumbnail_job.pk)
        assert outcome == (Status.FAILED if attempt == MAX_ATTEMPTS else Status.PENDING)
    assert outbox_sweep(now=timezone.now() + datetime.timedelta(days=1)) == 0  # a person's turn

    listing = admin_client.get("/admin/market/job/?status=failed")
    assert listing.status_code == 200 and "FileNotFoundError" in listing.text
    image.image.storage.save(image.image.name, ContentFile(content))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/market/job/", {"action": "retry", "_selected_action": [thumbnail_job.pk]}
        )
    thumbnail_job.refresh_from_db()
    assert (thumbnail_job.status, thumbnail_job.attempts) == (Status.DONE, 1)
    event = AuditEvent.objects.get(action="job.retry")
    assert event.before == {"status": "failed", "attempts": MAX_ATTEMPTS}
    assert ProductImage.objects.get().thumbnail


def test_a_job_naming_no_task_fails_at_once_saying_so():
    with action_scope():
        job = job_queue(task="catalog.no_such_task", object_id=1)
    assert job_run(job_id=job.pk) == Status.FAILED
    job.refresh_from_db()
    assert job.last_error == "No task is named 'catalog.no_such_task'."


def test_at_deploy_what_the_retired_sweepers_would_have_found_becomes_jobs(
    world, settings, tmp_path
):
    from django.apps import apps

    migration = import_module("worker.migrations.0010_one_sweeper_for_messages_and_jobs")
    settings.MEDIA_ROOT = tmp_path
    year = world.line.fiscal_year.year
    waiting = Export.objects.create(
        owner=finance_officer(), kind="spend", file_format="csv", filters={"fiscal_year": year}
    )
    image = ProductImage(product=ProductFactory(), content_type="image/jpeg", width=64, height=48)
    image.image.save("lost.jpg", image_file())  # its task was lost before the jobs existed

    migration.one_sweeper(apps, None)
    assert set(Job.objects.values_list("task", "object_id")) == {
        ("orders.write_export", waiting.pk),
        ("catalog.make_thumbnail", image.pk),
    }
    assert outbox_sweep() == 2
    waiting.refresh_from_db(), image.refresh_from_db()
    assert waiting.status == Export.Status.DONE and image.thumbnail
