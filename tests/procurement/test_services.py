import re

import pytest
from django.db import IntegrityError, transaction

from market.errors import InvalidInput
from market.models import AuditEvent
from procurement.models import BudgetLine
from procurement.services import (
    BudgetError,
    budget_line_create,
    budget_line_set_allocation,
    fiscal_year_open,
)
from tests.factories import BudgetLineFactory, DepartmentFactory, FiscalYearFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_creating_a_budget_line_is_audited():
    admin, department = UserFactory(is_staff=True), DepartmentFactory(code="DISDIK")
    line = budget_line_create(
        department=department,
        fiscal_year=fiscal_year_open(year=2026, by=admin),
        account_code=" 5.1.02.01.01.0052 ",
        name="Belanja Makanan dan Minuman Rapat",
        allocated=150_000_000,
        by=admin,
    )

    assert line.account_code == "5.1.02.01.01.0052" and line.available == 150_000_000
    event = AuditEvent.objects.get(action="budget_line.create")
    assert event.actor == admin and event.after["allocated"] == 150_000_000


def test_a_department_cannot_have_the_same_account_twice_in_a_year():
    line = BudgetLineFactory()
    with pytest.raises(BudgetError, match=re.escape(line.account_code)) as refused:
        budget_line_create(
            department=line.department,
            fiscal_year=line.fiscal_year,
            account_code=line.account_code,
            name="again",
            allocated=1,
        )
    assert refused.value.field == "account_code"
    assert BudgetLine.objects.count() == 1


@pytest.mark.parametrize("allocated", [-1, 10**15 + 1, 2**63])
def test_an_implausible_allocation_is_refused_naming_the_field(allocated):
    with pytest.raises(InvalidInput) as refused:
        budget_line_create(
            department=DepartmentFactory(),
            fiscal_year=FiscalYearFactory(),
            account_code="5.1",
            name="x",
            allocated=allocated,
        )
    assert list(refused.value.fields) == ["allocated"]
    assert not BudgetLine.objects.exists()


def test_an_allocation_cannot_drop_below_what_is_committed_and_realised():
    line = BudgetLineFactory(allocated=100_000_000)
    BudgetLine.objects.filter(pk=line.pk).update(committed=30_000_000, realised=20_000_000)

    with pytest.raises(BudgetError, match=re.escape("Rp50.000.000")):
        budget_line_set_allocation(line=line, allocated=49_999_999)
    line.refresh_from_db()
    assert line.allocated == 100_000_000

    budget_line_set_allocation(line=line, allocated=50_000_000)
    line.refresh_from_db()
    assert line.allocated == 50_000_000 and line.available == 0
    event = AuditEvent.objects.get(action="budget_line.set_allocation")
    assert event.before["allocated"] == 100_000_000 and event.after["allocated"] == 50_000_000


def test_the_database_itself_refuses_an_overcommitted_or_negative_line():
    line = BudgetLineFactory(allocated=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(committed=8, realised=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(committed=-1)


def test_opening_a_fiscal_year_twice_changes_nothing():
    assert fiscal_year_open(year=2027) == fiscal_year_open(year=2027)
    assert AuditEvent.objects.filter(action="fiscal_year.open").count() == 1
