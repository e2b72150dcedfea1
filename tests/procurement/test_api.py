import pytest

from market.models import DepartmentRole
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    UserFactory,
    finance_officer,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments():
    education, health = DepartmentFactory(code="DISDIK"), DepartmentFactory(code="DINKES")
    BudgetLineFactory(department=education, allocated=900_000_000)
    BudgetLineFactory(department=health, allocated=150_000_000)
    return education, health


def test_department_staff_see_only_their_departments_budget(api_as, two_departments):
    education, _ = two_departments
    response = api_as(member(DepartmentRole.APPROVER, education)).get("/api/v1/budgets/")

    lines = response.json()["results"]
    assert [line["department"] for line in lines] == ["DISDIK"]
    assert lines[0]["allocated"] == 900_000_000 and lines[0]["available"] == 900_000_000


def test_finance_sees_every_department_and_can_filter(api_as, two_departments):
    client = api_as(finance_officer())

    assert client.get("/api/v1/budgets/").json()["count"] == 2
    filtered = client.get("/api/v1/budgets/", {"department": "dinkes"}).json()["results"]
    assert [line["department"] for line in filtered] == ["DINKES"]
    assert client.get("/api/v1/departments/").json()["count"] == 2


def test_a_person_without_roles_sees_no_budget(api_as, two_departments):
    client = api_as(UserFactory())
    # Budgets are departments' records: nothing here for them, as the budget page answers.
    assert client.get("/api/v1/budgets/").status_code == 404
    assert client.get("/api/v1/departments/").json()["count"] == 0


def test_another_departments_budgets_are_not_found_as_its_report_is_not(api_as, two_departments):
    education, health = two_departments
    client = api_as(member(DepartmentRole.REQUESTER, health))
    for url in ("/api/v1/budgets/", "/api/v1/reports/compliance/"):
        refused = client.get(url, {"department": education.code})
        assert refused.status_code == 404, url
        assert refused.json()["error"]["message"] == "Perangkat daerah itu bukan milik Anda."
        assert client.get(url, {"department": "NOPE"}).status_code == 404, url
    own = client.get("/api/v1/budgets/", {"department": health.code.lower()})
    assert {line["department"] for line in own.json()["results"]} == {health.code}


def test_departments_list_is_scoped(api_as, two_departments):
    _, health = two_departments
    response = api_as(member(DepartmentRole.REQUESTER, health)).get("/api/v1/departments/")
    assert [d["code"] for d in response.json()["results"]] == ["DINKES"]


@pytest.mark.parametrize("count", [10, 100])
def test_budget_list_runs_a_bounded_number_of_queries(api_as, django_assert_max_num_queries, count):
    departments = [DepartmentFactory() for _ in range(5)]
    for n in range(count):
        BudgetLineFactory(department=departments[n % 5])
    client = api_as(finance_officer())

    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/budgets/", {"page_size": 100})
    assert len(response.json()["results"]) == count
