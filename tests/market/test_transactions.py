"""Actions: durable on their own, joined inside another action, with their edges kept."""

import pytest
from django.db import transaction

from market.errors import InvalidInput
from market.models import AuditEvent, Department
from market.services.accounts import department_create
from market.services.audit import audit_verify_chain
from market.transactions import (
    action,
    action_scope,
    before_commit_of_next_action,
    on_rollback,
)
from tests.factories import OrganisationFactory
from tests.markers import committing


@committing
def test_an_action_refuses_to_run_inside_someone_elses_transaction():
    organisation = OrganisationFactory()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        department_create(organisation=organisation, code="DISDIK", name="Dinas Pendidikan")
    assert not Department.objects.exists()


@committing
def test_actions_inside_an_action_commit_once_with_it_or_not_at_all():
    organisation = OrganisationFactory()
    with pytest.raises(ZeroDivisionError), action_scope():
        department_create(organisation=organisation, code="DISDIK", name="Dinas Pendidikan")
        department_create(organisation=organisation, code="DINKES", name="Dinas Kesehatan")
        1 / 0  # noqa: B018 (the outer action fails after both inner ones succeeded)
    assert not Department.objects.exists() and not AuditEvent.objects.exists()

    with action_scope():
        department_create(organisation=organisation, code="DISDIK", name="Dinas Pendidikan")
        # A nested action that fails takes only itself back.
        with pytest.raises(InvalidInput), action_scope():
            department_create(organisation=organisation, code="DINKES", name="Dinas Kes")
            raise InvalidInput({"name": ["no"]})
    assert list(Department.objects.values_list("code", flat=True)) == ["DISDIK"]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["department.create"]
    assert audit_verify_chain().ok


@pytest.mark.django_db
def test_what_an_action_cannot_roll_back_is_undone_when_it_fails():
    undone = []

    @action
    def store_then_fail():
        on_rollback(lambda: undone.append("file removed"))
        raise InvalidInput({"file": ["refused after storing"]})

    with pytest.raises(InvalidInput):
        store_then_fail()
    assert undone == ["file removed"]

    @action
    def store():
        on_rollback(lambda: undone.append("should not happen"))

    store()
    assert undone == ["file removed"]


@pytest.mark.django_db
def test_the_next_actions_result_reaches_a_hook_inside_its_transaction():
    seen = []

    @action
    def make():
        return "made"

    with before_commit_of_next_action(lambda result: seen.append((result, in_transaction()))):
        make()
        make()  # the hook is for the next action only
    assert seen == [("made", True)]


def in_transaction() -> bool:
    return transaction.get_connection().in_atomic_block
