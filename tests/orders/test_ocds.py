"""Open data: the OCDS release package validates against the official schema, with formats."""

import json
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from orders.services import payments, transitions
from tests.orders.test_inputs import invoiced

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "ocds_schema"


def validator() -> Draft4Validator:
    documents = {
        name: json.loads((SCHEMAS / name).read_text())
        for name in ("release-package-schema.json", "release-schema.json")
    }
    registry = Registry().with_resources(
        (document["id"], Resource.from_contents(document, default_specification=DRAFT4))
        for document in documents.values()
    )
    return Draft4Validator(
        documents["release-package-schema.json"], registry=registry, format_checker=FormatChecker()
    )


def test_orders_past_approval_are_released_as_a_valid_ocds_package(api_client, world):
    paid = invoiced(world, "100")
    payments.order_pay(
        order=paid, by=world.treasurer, sp2d_number="1/SP2D", sp2d_date=timezone.localdate()
    )
    submitted = world.order((world.besek, "10"))[0]  # not approved: not published
    cancelled = world.order((world.rice, "10"))[0]
    transitions.order_approve(order=cancelled, by=world.approver)
    transitions.order_cancel(order=cancelled, by=world.requester, reason="Salah pesan")
    declined = world.order((world.besek, "10"))[0]
    transitions.order_approve(order=declined, by=world.approver)
    transitions.order_decline(order=declined, by=world.besek_seller, reason="Stok habis")

    response = api_client.get("/api/v1/public/ocds/", {"fiscal_year": world.line.fiscal_year.year})
    assert response.status_code == 200
    package = response.json()
    errors = sorted(validator().iter_errors(package), key=lambda error: error.path)
    assert errors == [], [f"{list(error.path)}: {error.message}" for error in errors]

    assert not validator().is_valid({**package, "publishedDate": "24/11/2026"})  # formats on
    assert package["version"] == "1.1" and "partyScale" in package["extensions"][0]
    releases = {release["tender"]["id"]: release for release in package["releases"]}
    assert set(releases) == {paid.number, cancelled.number, declined.number}
    assert len({release["id"] for release in package["releases"]}) == 3
    assert submitted.number not in releases
    release = releases[paid.number]
    assert release["ocid"].startswith("ocds-kbr000-SP-DISDIK-")
    assert release["tag"] == ["tender", "award", "contract", "implementation"]
    assert release["tender"]["procurementMethod"] == "direct"
    supplier = next(party for party in release["parties"] if "supplier" in party["roles"])
    assert supplier["details"] == {"scale": "micro"}
    buyer = next(party for party in release["parties"] if "buyer" in party["roles"])
    assert buyer["name"] == world.department.name
    transaction = release["contracts"][0]["implementation"]["transactions"][0]
    assert transaction["value"] == {"amount": 1_450_000, "currency": "IDR"}
    cancelled_release, declined_release = releases[cancelled.number], releases[declined.number]
    assert cancelled_release["tag"] == ["tenderCancellation", "awardCancellation"]
    assert (cancelled_release["tender"]["status"], cancelled_release["awards"][0]["status"]) == (
        "cancelled",
        "cancelled",
    )
    assert (declined_release["tender"]["status"], declined_release["awards"][0]["status"]) == (
        "unsuccessful",
        "cancelled",
    )
    # Only what the catalogue shows of a vendor: no street address, no NIB.
    text = json.dumps(package)
    assert world.rice.vendor.nib not in text and world.rice.vendor.address not in text
    assert supplier["name"] == world.rice.vendor.display_name


def test_the_package_is_paginated_in_the_link_header(api_client, world, settings):
    from orders.api import PublicOcdsApi

    for _ in range(3):
        order = world.order((world.besek, "5"))[0]
        transitions.order_approve(order=order, by=world.approver)
    PublicOcdsApi.page_size = 2
    try:
        first = api_client.get("/api/v1/public/ocds/")
        assert len(first.json()["releases"]) == 2 and 'rel="next"' in first["Link"]
        following = first["Link"].split(">")[0].lstrip("<")
        second = api_client.get(following)
        assert len(second.json()["releases"]) == 1 and "Link" not in second
        seen = [r["tender"]["id"] for r in first.json()["releases"] + second.json()["releases"]]
        assert len(set(seen)) == 3
        last = following.rsplit("=", 1)[0] + f"={2**62}"
        assert api_client.get(last).status_code == 404
    finally:
        PublicOcdsApi.page_size = 50
