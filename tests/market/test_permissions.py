import pytest

from market.models import DepartmentRole
from market.permissions import (
    departments_visible_to,
    departments_where,
    has_department_role,
    home_sections,
    roles_of,
)
from tests.factories import DepartmentFactory, UserFactory, finance_officer, member

pytestmark = pytest.mark.django_db


def test_department_staff_see_only_their_own_departments():
    education, health = DepartmentFactory(code="DISDIK"), DepartmentFactory(code="DINKES")
    requester = member(DepartmentRole.REQUESTER, education)

    assert list(departments_visible_to(requester)) == [education]
    assert has_department_role(requester, education, DepartmentRole.REQUESTER)
    assert not has_department_role(requester, health)
    assert not has_department_role(requester, education, DepartmentRole.APPROVER)
    assert health not in departments_visible_to(requester)


def test_a_person_may_hold_roles_in_several_departments():
    education, health = DepartmentFactory(code="DISDIK"), DepartmentFactory(code="DINKES")
    person = member(DepartmentRole.REQUESTER, education)
    member_again = member(DepartmentRole.APPROVER, health)
    member_again.memberships.update(user=person)

    assert set(departments_visible_to(person)) == {education, health}
    assert list(departments_where(person, DepartmentRole.APPROVER)) == [health]


def test_finance_officers_and_administrators_see_every_department():
    departments = {DepartmentFactory(), DepartmentFactory()}
    admin = UserFactory(is_staff=True)

    assert set(departments_visible_to(finance_officer())) == departments
    assert set(departments_visible_to(admin)) == departments
    # Reading everything is not acting: a finance officer holds no department role.
    assert not departments_where(finance_officer(), DepartmentRole.REQUESTER).exists()


def test_inactive_people_and_inactive_departments_grant_nothing():
    department = DepartmentFactory()
    requester = member(DepartmentRole.REQUESTER, department)
    closed = DepartmentFactory(is_active=False)
    member(DepartmentRole.REQUESTER, closed).memberships.update(user=requester)
    inactive = member(DepartmentRole.APPROVER, department, is_active=False)

    assert list(departments_visible_to(requester)) == [department]
    assert not has_department_role(inactive, department)


def test_roles_are_read_once_per_request(django_assert_num_queries):
    departments = [DepartmentFactory() for _ in range(5)]
    person = member(DepartmentRole.RECEIVER, departments[0])

    with django_assert_num_queries(2):
        for department in departments * 3:
            has_department_role(person, department, DepartmentRole.RECEIVER)
    assert roles_of(person).department_ids_with() == {departments[0].pk}


def test_home_sections_follow_the_roles_held():
    department = DepartmentFactory()
    approver = member(DepartmentRole.APPROVER, department)

    assert home_sections(approver) == ["approver"]
    assert home_sections(finance_officer()) == ["finance"]
    assert home_sections(UserFactory(is_staff=True)) == ["admin"]
    assert home_sections(UserFactory()) == []
