"""The console and its API: who reads, who reviews, bad input, a bounded number of queries, the
export, the public counts and the verification queue."""

import pytest
from django.urls import reverse

from integrity.models import Flag, FlagStatus
from integrity.services import scan_request, scan_run
from market.models import AuditEvent, DepartmentRole, OrganisationRole
from tests.factories import OrganisationMembershipFactory, finance_officer, member
from tests.integrity.conftest import own_vendor, placed, product_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(market):
    product = product_of(price=1_000_000)
    placed(market, product, 6, days_ago=20)
    placed(market, product, 5, days_ago=10)
    scan_run(scan_id=scan_request(by=None, fiscal_year=market.line.fiscal_year).pk)
    return market, Flag.objects.get(rule="vendor_window")


def inspector():
    return OrganisationMembershipFactory(role=OrganisationRole.INSPECTOR).user


def test_the_inspector_reads_the_console_and_the_flag_with_its_evidence(client, flagged):
    _world, flag = flagged
    client.force_login(inspector())
    page = client.get(reverse("integrity-console")).content.decode()
    assert "Pemecahan paket" in page
    detail = client.get(reverse("integrity-flag", args=[flag.pk])).content.decode()
    for order_id in flag.order_ids:
        assert reverse("order-detail", args=[order_id]) in detail
    assert 'name="reason"' in detail


def test_a_finance_officer_reads_but_is_shown_no_review(client, flagged):
    _world, flag = flagged
    client.force_login(finance_officer())
    detail = client.get(reverse("integrity-flag", args=[flag.pk])).content.decode()
    assert 'name="reason"' not in detail
    response = client.post(reverse("integrity-flag", args=[flag.pk]), {"outcome": "referred"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", list(DepartmentRole.values))
def test_the_departments_staff_never_see_flags(client, flagged, role):
    world, flag = flagged
    user = getattr(world, role)
    client.force_login(user)
    assert client.get(reverse("integrity-console")).status_code == 404
    assert client.get(reverse("integrity-flag", args=[flag.pk])).status_code == 404


def test_an_inspector_on_the_departments_staff_never_sees_its_flags(client, api_as, flagged):
    world, flag = flagged
    person = inspector()
    from market.models import Membership

    Membership.objects.create(user=person, department=world.department, role="receiver")
    client.force_login(person)
    assert client.get(reverse("integrity-flag", args=[flag.pk])).status_code == 404
    assert (
        api_as(person).get(reverse("api:integrity-flag-detail", args=[flag.pk])).status_code == 404
    )
    listed = api_as(person).get(reverse("api:integrity-flag-list")).json()
    assert flag.pk not in [row["id"] for row in listed["results"]]


def test_vendors_and_the_public_get_nothing(client, api_as, flagged):
    world, _flag = flagged
    client.force_login(world.rice_seller)
    assert client.get(reverse("integrity-console")).status_code == 404
    assert api_as(world.rice_seller).get(reverse("api:integrity-flag-list")).status_code == 404
    client.logout()
    assert client.get(reverse("integrity-console")).status_code == 302


def test_review_through_the_api(api_as, flagged):
    _world, flag = flagged
    url = reverse("api:integrity-flag-review", args=[flag.pk])
    answer = api_as(inspector()).post(
        url, {"outcome": "referred", "reason": "Dirujuk ke audit."}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "referred"
    assert answer.json()["history"][-1]["kind"] == "reviewed"
    assert AuditEvent.objects.filter(
        action="integrity.flag.review", object_id=str(flag.pk)
    ).exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"outcome": "referred", "reason": ""}, {"reason"}),
        ({"outcome": "referred", "reason": "x" * 100_000}, {"reason"}),
        ({"outcome": "open", "reason": "Sudah."}, {"outcome"}),
        ({}, {"outcome", "reason"}),
    ],
)
def test_bad_review_input_names_each_field_and_writes_nothing(api_as, flagged, body, fields):
    _world, flag = flagged
    answer = api_as(inspector()).post(
        reverse("api:integrity-flag-review", args=[flag.pk]), body, format="json"
    )
    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == fields
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not flag.events.exists()


def test_a_closed_flag_reviewed_again_is_refused_on_the_field(api_as, client, flagged):
    _world, flag = flagged
    person = inspector()
    url = reverse("api:integrity-flag-review", args=[flag.pk])
    assert (
        api_as(person)
        .post(url, {"outcome": "explained", "reason": "Ok."}, format="json")
        .status_code
        == 200
    )
    again = api_as(person).post(url, {"outcome": "referred", "reason": "Lagi."}, format="json")
    assert again.status_code == 400 and "outcome" in again.json()["error"]["fields"]
    flag.refresh_from_db()
    assert flag.status == FlagStatus.EXPLAINED and flag.events.count() == 1


def test_review_on_the_page_with_no_reason_shows_the_field_error(client, flagged):
    _world, flag = flagged
    client.force_login(inspector())
    page = client.post(
        reverse("integrity-flag", args=[flag.pk]), {"outcome": "referred", "reason": ""}
    )
    assert page.status_code == 200
    assert "wajib" in page.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_the_list_runs_a_bounded_number_of_queries(
    api_as, client, market, django_assert_max_num_queries
):
    for _ in range(6):
        vendor = own_vendor()
        product = product_of(vendor, price=1_000_000)
        placed(market, product, 6, days_ago=20)
        placed(market, product, 5, days_ago=10)
    scan_run(scan_id=scan_request(by=None, fiscal_year=market.line.fiscal_year).pk)
    assert Flag.objects.count() >= 6
    person = inspector()
    client.force_login(person)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("integrity-console")).status_code == 200
    api = api_as(person)
    with django_assert_max_num_queries(10):
        assert api.get(reverse("api:integrity-flag-list")).status_code == 200


def test_api_filters(api_as, flagged):
    _world, flag = flagged
    api = api_as(inspector())
    url = reverse("api:integrity-flag-list")
    rows = api.get(url, {"indicator": "split_purchase", "department": "disdik"}).json()["results"]
    assert flag.pk in [row["id"] for row in rows]
    assert (
        api.get(url, {"vendor": flag.vendor_id}).json()["results"][0]["vendor"]["id"]
        == flag.vendor_id
    )
    assert api.get(url, {"status": "explained"}).json()["results"] == []
    assert api.get(url, {"indicator": "nonsense"}).status_code == 400
    assert api.get(url, {"department": "NOPE"}).status_code == 404


def test_a_scan_from_the_button(client, market, django_capture_on_commit_callbacks):
    client.force_login(finance_officer())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("integrity-scan"))
    assert response.status_code == 302
    from integrity.models import Scan

    assert Scan.objects.get().status == Scan.Status.DONE  # eager Celery in tests


def test_the_export_of_flags(client, flagged, django_capture_on_commit_callbacks):
    from orders.models import Export

    client.force_login(inspector())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("integrity-export"), {"file_format": "csv", "status": "open"}
        )
    assert response.status_code == 302
    export = Export.objects.get(kind="flags")
    assert export.status == Export.Status.DONE and export.rows_written >= 1
    content = export.file.read().decode("utf-8-sig")
    assert "Rp11.000.000" in content


def test_department_staff_are_not_offered_the_flags_export(client, world):
    client.force_login(world.requester)
    assert "Integrity flags" not in client.get(reverse("export-list")).content.decode()
    assert 'value="flags"' not in client.get(reverse("export-list")).content.decode()


def test_the_public_page_counts_flags_but_never_says_what_they_are(client, flagged):
    _world, flag = flagged
    page = client.get(reverse("transparency")).content.decode()
    assert "Tanda bahaya integritas" in page
    assert flag.vendor.legal_name not in page and "ke " + flag.vendor.display_name not in page
    assert reverse("integrity-flag", args=[flag.pk]) not in page


def test_the_department_page_shows_its_open_flags_to_finance(client, flagged):
    world, flag = flagged
    client.force_login(finance_officer())
    page = client.get(reverse("report-department", args=["DISDIK"])).content.decode()
    assert reverse("integrity-flag", args=[flag.pk]) in page
    client.force_login(world.requester)
    page = client.get(reverse("report-department", args=["DISDIK"])).content.decode()
    assert reverse("integrity-flag", args=[flag.pk]) not in page


def test_the_verification_queue_shows_vendors_sharing_an_account(client, db):
    from vendors.models import VendorStatus

    one = own_vendor(bank_account_number="9990001111")
    applied = own_vendor(bank_account_number="9990001111", status=VendorStatus.APPLIED)
    admin = member("requester", is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("vendor-review")).content.decode()
    assert applied.legal_name in page and one.legal_name in page


def test_a_flag_resting_on_many_orders_shows_the_first_and_counts_the_rest(
    client, api_as, flagged, monkeypatch
):
    from integrity import selectors

    _world, flag = flagged
    monkeypatch.setattr(selectors, "EVIDENCE_SHOWN", 1)
    client.force_login(inspector())
    page = client.get(reverse("integrity-flag", args=[flag.pk])).content.decode()
    assert reverse("order-detail", args=[flag.order_ids[0]]) in page
    assert reverse("order-detail", args=[flag.order_ids[1]]) not in page
    assert "1 pesanan lagi" in page
    url = reverse("api:integrity-flag-detail", args=[flag.pk])
    evidence = api_as(inspector()).get(url).json()["evidence"]
    assert evidence["order_ids"] == flag.order_ids and len(evidence["orders"]) == 1
