import pytest
from django.urls import reverse

from market.models import DepartmentRole
from tests.factories import BudgetLineFactory, DepartmentFactory, finance_officer, member

pytestmark = pytest.mark.django_db


def test_budget_page_shows_own_department_in_rupiah(login):
    education, health = DepartmentFactory(code="DISDIK"), DepartmentFactory(code="DINKES")
    BudgetLineFactory(department=education, allocated=1_250_000, name="Belanja Beras ASN")
    BudgetLineFactory(department=health, name="Belanja Rahasia Dinkes")

    page = login(member(DepartmentRole.TREASURER, education)).get(reverse("budget-list"))
    content = page.content.decode()

    assert "Belanja Beras ASN" in content and "Rp1.250.000" in content
    assert "Belanja Rahasia Dinkes" not in content


def test_home_shows_the_budget_position_of_the_year(login):
    department = DepartmentFactory(code="DISDIK")
    BudgetLineFactory(department=department, allocated=900_000_000)
    BudgetLineFactory(department=department, allocated=100_000_000)

    content = login(member(DepartmentRole.APPROVER, department)).get("/").content.decode()
    assert "Posisi anggaran" in content and "Rp1.000.000.000" in content


@pytest.mark.parametrize("count", [10, 100])
def test_budget_page_runs_a_bounded_number_of_queries(login, django_assert_max_num_queries, count):
    departments = [DepartmentFactory() for _ in range(4)]
    for n in range(count):
        BudgetLineFactory(department=departments[n % 4])
    client = login(finance_officer())

    with django_assert_max_num_queries(10):
        response = client.get(reverse("budget-list"))
    assert response.status_code == 200
