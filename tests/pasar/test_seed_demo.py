import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from market.models import Department, DepartmentRole, Membership, User
from market.permissions import roles_of
from procurement.models import BudgetLine
from procurement.selectors import fiscal_year_current
from quotes.models import Offer, Quote, QuoteStatus
from vendors.models import Vendor
from vendors.selectors import documents_missing, vendor_documents_missing

pytestmark = pytest.mark.django_db

LOGINS = ["admin", "finance", "requester", "approver", "receiver", "treasurer", "requester2"]


def test_seed_demo_is_idempotent_and_seeds_every_login():
    call_command("seed_demo")
    counts = (User.objects.count(), Department.objects.count(), BudgetLine.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Department.objects.count(), BudgetLine.objects.count()) == counts

    for username in LOGINS:
        assert authenticate(RequestFactory().post("/"), username=username, password="demo"), (
            username
        )
    assert Department.objects.count() >= 6
    year = fiscal_year_current()
    assert year is not None
    assert all(d.budget_lines.filter(fiscal_year=year).exists() for d in Department.objects.all())

    roles = dict(
        Membership.objects.filter(department__code="DISDIK").values_list("user__username", "role")
    )
    assert roles == {
        "requester": DepartmentRole.REQUESTER,
        "approver": DepartmentRole.APPROVER,
        "receiver": DepartmentRole.RECEIVER,
        "treasurer": DepartmentRole.TREASURER,
    }
    assert Membership.objects.get(user__username="requester2").department.code == "DINKES"
    assert roles_of(User.objects.get(username="finance")).is_auditor
    assert roles_of(User.objects.get(username="admin")).is_platform_admin
    call_command("verify_audit")
    # Verification needs the NIB and NPWP documents: the verified vendors have both, and one
    # application still lacks its NPWP card for the reviewer to see.
    waiting = {
        vendor.members.get().user.username: vendor
        for vendor in Vendor.objects.filter(status="applied")
    }
    assert vendor_documents_missing(waiting["baru_terentang"]) == ["npwp"]
    assert vendor_documents_missing(waiting["baru_sungaikakap"]) == []
    verified = Vendor.objects.filter(status="verified")
    assert not any(documents_missing(verified).values())

    # The mini-competitions (quotes.demo), once each: one open; one awarded, its offers all made
    # before its closing and ranked, the first's price that of its approved purchase order.
    assert sorted(Quote.objects.values_list("status", flat=True)) == [
        QuoteStatus.AWARDED,
        QuoteStatus.OPEN,
    ]
    awarded = Quote.objects.get(status=QuoteStatus.AWARDED)
    offers = list(Offer.objects.filter(quote=awarded).order_by("rank"))
    assert len(offers) >= 2 and [offer.rank for offer in offers] == list(range(1, len(offers) + 1))
    assert all(offer.submitted_at < awarded.closes_at <= awarded.opened_at for offer in offers)
    assert awarded.created_at < offers[0].submitted_at
    assert awarded.proposed_offer == offers[0]
    assert awarded.order.status == "approved"
    assert awarded.order.lines.get().unit_price == offers[0].unit_price
