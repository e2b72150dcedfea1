"""Exports on demand: written in the background a row at a time, complete, for their owner only."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from market.models import AuditEvent, DepartmentRole
from orders.models import Export, OrderLine, PurchaseOrder
from orders.services import exports
from tests.factories import DepartmentFactory, finance_officer, member, vendor_member

pytestmark = pytest.mark.django_db

LINES = 10_000


@pytest.fixture
def ten_thousand_lines(world):
    """One order placed for real, copied into 100 orders of 100 lines each."""
    first = world.order((world.rice, "10"))[0]
    template = first.lines.get()
    copies = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(
            number=f"SP/DISDIK/{timezone.localdate().year}/X{n:04d}",
            department=first.department,
            budget_line=first.budget_line,
            vendor=first.vendor,
            requester=first.requester,
            approver=first.approver,
            status=first.status,
            delivery_address=first.delivery_address,
            delivery_date=first.delivery_date,
            submitted_at=first.submitted_at,
            total=first.total,
            checkout=first.checkout,
        )
        for n in range(99)
    )
    orders = [first, *copies]
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product_id=template.product_id,
            product_name=f"Beras lokal {n}",
            unit=template.unit,
            category=template.category,
            category_path=template.category_path,
            unit_price=template.unit_price,
            quantity=Decimal(n % 7 + 1),
            total=template.unit_price * (n % 7 + 1),
        )
        for order in orders
        for n in range(99 if order is first else 100)
    )
    assert OrderLine.objects.count() == LINES
    return orders


def ask(client, **values):
    return client.post("/api/v1/exports/", values, format="json")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_ten_thousand_order_lines_are_all_exported(
    api_as, world, ten_thousand_lines, file_format, django_capture_on_commit_callbacks
):
    client = api_as(finance_officer())
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, kind="orders", format=file_format)
    assert response.status_code == 202, response.json()
    detail = client.get(f"/api/v1/exports/{response.json()['id']}/").json()
    assert (detail["status"], detail["progress"], detail["rows_written"]) == ("done", 100, LINES)

    download = client.get(detail["download"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ["Pesanan", "Perangkat daerah", "Status"] or rows[0][:3] == (
        "Pesanan",
        "Perangkat daerah",
        "Status",
    )
    assert len(rows) == LINES + 1
    totals = sum(int(row[11]) for row in rows[1:])
    assert totals == sum(OrderLine.objects.values_list("total", flat=True))
    assert {row[0] for row in rows[1:]} == {order.number for order in ten_thousand_lines}


def test_progress_is_reported_while_rows_are_written(world, ten_thousand_lines, monkeypatch):
    seen = []
    original = exports._export_set

    def watch(**values):
        if "rows_written" in values and values.get("status") is None:
            seen.append(values["rows_written"])
        return original(**values)

    monkeypatch.setattr(exports, "_export_set", watch)
    export = exports.export_request(
        by=finance_officer(), kind="orders", file_format="csv", filters={}
    )
    exports.export_run(export_id=export.pk)
    assert seen == list(range(200, LINES + 1, 200))  # every 2 %
    export.refresh_from_db()
    assert (export.rows_total, export.rows_written, export.progress) == (LINES, LINES, 100)
    assert list(
        AuditEvent.objects.filter(object_type="orders.export", object_id=str(export.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["export.request", "export.done"]
    # Asked again (a redelivered task), a finished export is left as it is.
    assert exports.export_run(export_id=export.pk).file.name == export.file.name


def test_only_the_owner_sees_and_downloads_an_export(api_as, login, world):
    owner, other = finance_officer(), finance_officer()
    export = exports.export_request(by=owner, kind="spend", file_format="xlsx", filters={})
    exports.export_run(export_id=export.pk)
    assert api_as(owner).get(f"/api/v1/exports/{export.pk}/file/").status_code == 200
    assert api_as(other).get(f"/api/v1/exports/{export.pk}/").status_code == 404
    assert api_as(other).get(f"/api/v1/exports/{export.pk}/file/").status_code == 404
    assert api_as(other).get("/api/v1/exports/").json()["count"] == 0
    assert login(other).get(f"/exports/{export.pk}/download/").status_code == 404
    page = login(owner).get("/exports/").content.decode()
    assert f"/exports/{export.pk}/download/" in page


def test_department_staff_export_only_their_department(api_as, world):
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(code="DINKES")
    client = api_as(world.requester)
    refused = ask(client, kind="compliance", format="csv", department="DINKES")
    assert refused.status_code == 400
    assert "department" in refused.json()["error"]["fields"]
    member(DepartmentRole.REQUESTER, other)  # someone else's role changes nothing
    export = exports.export_request(
        by=world.requester, kind="compliance", file_format="csv", filters={}
    )
    exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["DISDIK", ""]  # their department and its total


def test_bad_requests_name_every_field_and_vendors_cannot_export(api_as, world):
    response = ask(
        api_as(finance_officer()), kind="salaries", format="pdf", group_by="x", fiscal_year=1999
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"kind", "format", "group_by", "fiscal_year"}
    assert Export.objects.count() == 0
    # Exports are departments' records: nothing here for a vendor, as the exports page answers.
    assert ask(api_as(vendor_member()), kind="spend", format="csv").status_code == 404


def test_a_failed_export_tells_its_owner_without_the_details(world, monkeypatch):
    export = exports.export_request(
        by=finance_officer(), kind="spend", file_format="csv", filters={}
    )

    def broken(*args, **kwargs):
        raise OSError("disk /var/lib/secret full")

    monkeypatch.setattr(exports, "write_table", broken)
    exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and "secret" not in export.error
    assert export.error.startswith("Ekspor tidak dapat ditulis")


def test_the_export_page_asks_and_follows_progress(
    login, world, django_capture_on_commit_callbacks
):
    client = login(finance_officer())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/exports/",
            {
                "kind": "spend",
                "file_format": "xlsx",
                "group_by": "category",
                "fiscal_year": world.line.fiscal_year.year,
            },
        )
    assert response.status_code == 302
    page = client.get("/exports/").content.decode()
    assert "Belanja · Excel (XLSX)" in page and "Siap" in page and "Unduh" in page
    refused = client.post("/exports/", {"kind": "", "file_format": ""})
    assert refused.status_code == 200
    assert Export.objects.count() == 1


def test_the_export_page_shows_the_progress_moving_while_the_export_is_written(
    login, world, ten_thousand_lines, monkeypatch
):
    """The page answers at once (a worker writes the export after it); read while the rows
    are written, it shows how far they have got, rising, before it offers the file."""
    client = login(finance_officer())
    client.post(
        "/exports/",
        {"kind": "orders", "file_format": "csv", "fiscal_year": world.line.fiscal_year.year},
    )
    export = Export.objects.get()
    waiting = client.get("/exports/").content.decode()
    assert 'content="2"' in waiting  # the page reads itself again every two seconds
    assert '<progress max="100" value="0">' in waiting

    shown, original = [], exports._export_set

    def read_the_page_after(**values):
        saved = original(**values)
        if set(values) == {"export_id", "rows_written"}:
            page = client.get("/exports/").content.decode()
            shown.append(int(re.search(r'<progress max="100" value="(\d+)">', page)[1]))
        return saved

    monkeypatch.setattr(exports, "_export_set", read_the_page_after)
    exports.export_run(export_id=export.pk)  # as the worker does
    assert shown == sorted(shown) and len(set(shown)) >= 40, shown
    assert shown[0] <= 2 and 0 < shown[len(shown) // 2] < 100
    done = client.get("/exports/").content.decode()
    assert "<progress" not in done and "Unduh" in done


def test_someone_moved_out_of_the_department_no_longer_downloads_its_figures(api_as, login, world):
    export = exports.export_request(
        by=world.requester, kind="orders", file_format="csv", filters={}
    )
    exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.departments == ["DISDIK"]
    client = api_as(world.requester)
    assert client.get(f"/api/v1/exports/{export.pk}/").json()["download"]
    assert client.get(f"/api/v1/exports/{export.pk}/file/").status_code == 200

    world.requester.memberships.all().delete()
    world.requester.memberships.create(
        department=DepartmentFactory(code="DINKES"), role="requester"
    )
    world.requester._market_roles = None
    client = api_as(world.requester)
    assert client.get(f"/api/v1/exports/{export.pk}/").json()["download"] is None
    assert client.get(f"/api/v1/exports/{export.pk}/file/").status_code == 404
    page = login(world.requester)
    assert page.get(f"/exports/{export.pk}/download/").status_code == 404
    assert f"/exports/{export.pk}/download/" not in page.get("/exports/").content.decode()


def test_an_export_that_fails_before_writing_is_marked_failed(world, monkeypatch):
    export = exports.export_request(
        by=finance_officer(), kind="orders", file_format="csv", filters={}
    )

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(exports, "order_lines_table", broken)
    exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "failed"


def test_an_export_asked_while_the_broker_is_away_is_published_by_the_sweeper(
    api_as, world, broker_away, django_capture_on_commit_callbacks
):
    from tests.outbox import relay_grace_passes
    from worker.outbox import outbox_sweep

    client = api_as(finance_officer())
    with broker_away(), django_capture_on_commit_callbacks(execute=True):
        response = ask(client, kind="spend", format="csv")
    assert response.status_code == 202  # asked for, and told so, though not yet published
    export = Export.objects.get()
    assert export.status == "pending"

    assert outbox_sweep() == 0  # a queued one is not lost yet
    relay_grace_passes()
    assert outbox_sweep() == 1
    export.refresh_from_db()
    assert export.status == "done"
    assert outbox_sweep() == 0
