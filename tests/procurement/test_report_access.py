"""Who sees which report, and that every report runs a fixed number of queries however many
departments, vendors and ledger entries there are."""

import pytest

from market.models import DepartmentRole
from market.transactions import action_scope
from procurement.services import Spend, budget_commit
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    UserFactory,
    VendorFactory,
    finance_officer,
    member,
    vendor_member,
)

pytestmark = pytest.mark.django_db


def spending(departments: int, vendors_each: int = 2):
    """Departments with a budget line each, and commitments to several vendors."""
    made = []
    for n in range(departments):
        department = DepartmentFactory(code=f"D{n:02d}")
        line = BudgetLineFactory(department=department, allocated=10_000_000)
        with action_scope():
            for v in range(vendors_each):
                budget_commit(
                    line=line,
                    spend=Spend(
                        n * 100 + v,
                        f"SP/{department.code}/{v}",
                        VendorFactory(scale=("micro", "medium")[v % 2]),
                        {"beras-biji-bijian/beras": 100_000, "kerajinan-anyaman/besek": 50_000},
                    ),
                )
        made.append(department)
    return made


@pytest.fixture
def two():
    return spending(2)


def test_finance_officers_see_every_department_and_the_total(api_as, two):
    body = api_as(finance_officer()).get("/api/v1/reports/compliance/").json()
    assert [row["code"] for row in body["departments"]] == ["D00", "D01"]
    assert body["total"]["committed"] == 300_000 * 2
    assert (body["total"]["target"], body["total"]["local_target"]) == (40, 40)
    assert body["departments"][0]["measures"]["small_business"] == {
        "amount": 150_000,
        "share_of_allocation": 1.5,
        "share_of_spend": 50.0,
    }


def test_department_staff_see_their_own_department_only(api_as, two):
    own, other = two
    client = api_as(member(DepartmentRole.REQUESTER, own))
    body = client.get("/api/v1/reports/compliance/").json()
    assert [row["code"] for row in body["departments"]] == [own.code]
    assert body["total"] is None  # the organisation's total is not theirs
    spend = client.get("/api/v1/reports/spend/", {"group_by": "vendor_scale"}).json()
    assert {row["key"]: row["spent"] for row in spend["rows"]} == {
        "micro": 150_000,
        "medium": 150_000,
    }
    for url in ("/api/v1/reports/compliance/", "/api/v1/reports/spend/"):
        refused = client.get(url, {"department": other.code})
        assert refused.status_code == 404, url
        assert refused.json()["error"]["message"] == "Perangkat daerah itu bukan milik Anda."


def test_vendors_and_people_without_roles_see_no_report(api_as, api_client, two):
    for person in (vendor_member(), UserFactory()):
        client = api_as(person)
        for url in ("/api/v1/reports/compliance/", "/api/v1/reports/spend/"):
            # Nothing here for them, as the report pages answer (404, not 403).
            assert client.get(url).status_code == 404, (person, url)
    assert api_client.get("/api/v1/reports/compliance/").status_code in (401, 403)
    # The public figures need no login.
    assert api_client.get("/api/v1/public/spend/").status_code == 200


def test_bad_report_filters_name_the_field(api_as, two):
    client = api_as(finance_officer())
    response = client.get("/api/v1/reports/spend/", {"group_by": "colour", "fiscal_year": "x"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"group_by", "fiscal_year"}
    assert client.get("/api/v1/reports/compliance/", {"fiscal_year": 2031}).status_code == 404


def test_report_pages_follow_the_same_rules(login, two):
    own, other = two
    page = login(finance_officer()).get("/reports/").content.decode()
    assert own.name in page and other.name in page and "Semua perangkat daerah" in page

    staff = login(member(DepartmentRole.APPROVER, own))
    page = staff.get("/reports/").content.decode()
    assert own.name in page and other.name not in page
    assert staff.get(f"/reports/{own.code}/").status_code == 200
    assert staff.get(f"/reports/{other.code}/").status_code == 404

    vendor = login(vendor_member())
    assert vendor.get("/reports/").status_code == 404
    assert 'href="/reports/"' not in vendor.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in_but_see_the_transparency_page(client, two):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get("/transparency/")
    assert page.status_code == 200 and two[0].name in page.content.decode()


@pytest.mark.parametrize("departments", [2, 12])
def test_reports_run_a_fixed_number_of_queries(
    api_as, login, client, django_assert_max_num_queries, departments
):
    spending(departments)
    api = api_as(finance_officer())
    with django_assert_max_num_queries(10):
        assert len(api.get("/api/v1/reports/compliance/").json()["departments"]) == departments
    for group_by in ("month", "category", "vendor_scale", "district", "vendor"):
        with django_assert_max_num_queries(4):
            api.get("/api/v1/reports/spend/", {"group_by": group_by})
    # The public figures add the regency's payments to small vendors (its policy, its ledger).
    with django_assert_max_num_queries(13):
        assert len(client.get("/api/v1/public/spend/").json()["departments"]) == departments
    with django_assert_max_num_queries(19):
        client.get("/transparency/")
    pages = login(finance_officer())
    with django_assert_max_num_queries(19):
        pages.get("/reports/")
    # and, for finance, its open red flags and its ratings' averages
    with django_assert_max_num_queries(21):
        pages.get("/reports/D01/")


def test_the_public_figures_need_no_login_and_name_no_vendor(api_client, two):
    body = api_client.get("/api/v1/public/spend/").json()
    assert [row["code"] for row in body["departments"]] == ["D00", "D01"]
    assert body["departments"][0]["small_business"] == 150_000
    assert body["departments"][0]["small_business_share"] == 1.5  # a number, like the money
    assert float(body["target"]) == 40
    assert "UD Usaha Lokal" not in str(body)  # aggregates only: no vendor is named
    missing = api_client.get("/api/v1/public/spend/", {"fiscal_year": 2031})
    assert missing.status_code == 404 and missing.json()["error"]["message"]


def test_the_public_figures_are_kept_until_money_moves(client, two, django_assert_max_num_queries):
    first = client.get("/api/v1/public/spend/").json()
    with django_assert_max_num_queries(2):  # the fiscal year and the ledger's last entry
        assert client.get("/api/v1/public/spend/").json() == first
    with action_scope():
        budget_commit(
            line=two[0].budget_lines.get(),
            spend=Spend(999, "SP/D00/9", VendorFactory(), {"beras": 1_000_000}),
        )
    after = client.get("/api/v1/public/spend/").json()
    assert after["departments"][0]["small_business"] == 1_150_000


def test_charts_write_coordinates_with_a_decimal_point_in_indonesian(login, client, two):
    import re

    from procurement.services import compliance_snapshots_refresh

    compliance_snapshots_refresh(fiscal_year=two[0].budget_lines.get().fiscal_year)
    finance = login(finance_officer())
    for page in (
        finance.get("/reports/").content.decode(),
        finance.get(f"/reports/{two[0].code}/").content.decode(),
        client.get("/transparency/").content.decode(),
    ):
        assert "<svg" in page and "<rect" in page
        coordinates = re.findall(r'\b(?:x|y|dx|cx|cy|x1|x2|y1|y2|width|height)="([^"]*)"', page)
        assert coordinates and not [value for value in coordinates if "," in value]
