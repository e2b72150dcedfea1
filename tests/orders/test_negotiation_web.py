"""The price negotiation through the API (`/api/v1/orders/{id}/negotiation/…`) and the order's
page: the same moves and refusals, the one error format, Idempotency-Key, bounded queries."""

import re

import pytest
from django.urls import reverse

from market.models import DepartmentRole
from orders.models import Negotiation, NegotiationStatus, OrderStatus
from orders.selectors import orders_waiting_for
from orders.services.negotiation import negotiation_counter, negotiation_propose
from procurement.services import order_commitment
from tests.factories import DepartmentFactory, member

pytestmark = pytest.mark.django_db
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def rice_order(world, quantity="100"):
    (order,) = world.order((world.rice, quantity))
    return order, order.lines.get()


def url(order, move=""):
    if not move:
        return reverse("api:order-negotiation", args=[order.pk])
    return reverse(f"api:order-negotiation-{move}", args=[order.pk])


def test_the_api_carries_a_two_round_negotiation_to_agreement(world, api_as):
    order, line = rice_order(world)
    requester, vendor = api_as(world.requester), api_as(world.rice_seller)
    answer = requester.get(url(order))
    assert answer.status_code == 200
    assert answer.data["negotiations"] == [] and answer.data["moves"] == ["negotiation_propose"]
    assert answer.data["rounds_most"] == 2
    # The vendor does not see the order until a price is proposed to it.
    assert vendor.get(url(order)).status_code == 404
    answer = requester.post(url(order, "propose"), {"prices": {line.pk: 12_000}}, format="json")
    assert answer.status_code == 200, answer.data
    assert answer.data["turn"] == "vendor"
    assert answer.data["negotiations"][0]["rounds"][0]["proposed_total"] == 1_200_000
    state = vendor.get(url(order)).data
    assert state["moves"] == ["negotiation_accept", "negotiation_counter", "negotiation_decline"]
    answer = vendor.post(
        url(order, "counter"), {"prices": {line.pk: "14000"}, "answering": 1}, format="json"
    )
    assert answer.status_code == 200, answer.data
    assert answer.data["negotiations"][0]["rounds"][0]["countered_total"] == 1_400_000
    answer = requester.post(
        url(order, "propose"), {"prices": {line.pk: 13_000}, "answering": 1}, format="json"
    )
    assert answer.status_code == 200, answer.data
    answer = vendor.post(url(order, "accept"), {"answering": 2}, format="json")
    assert answer.status_code == 200, answer.data
    assert answer.data["total"] == 1_300_000
    assert answer.data["negotiations"][0]["status"] == "agreed"
    assert sum(order_commitment(line=world.line, order_id=order.pk).values()) == 1_300_000
    # The PPK approves at the agreed total.
    answer = api_as(world.approver).post(reverse("api:order-approve", args=[order.pk]))
    assert answer.status_code == 200 and answer.data["total"] == 1_300_000


def test_the_api_names_each_bad_price_in_the_one_error_format(world, api_as):
    order, line = rice_order(world)
    requester = api_as(world.requester)
    for prices in ({line.pk: 14_500}, {line.pk: 0}, {line.pk: -5}, {line.pk: 10**16}):
        answer = requester.post(url(order, "propose"), {"prices": prices}, format="json")
        assert answer.status_code == 400, prices
        assert answer.data["error"]["code"] == "invalid"
        assert str(line.pk) in answer.data["error"]["fields"]["prices"], answer.data
    answer = requester.post(url(order, "propose"), {"prices": {"424242": 100}}, format="json")
    assert answer.status_code == 400 and "prices" in answer.data["error"]["fields"]
    answer = requester.post(url(order, "propose"), {"prices": "x", "answering": 0}, format="json")
    assert set(answer.data["error"]["fields"]) == {"prices", "answering"}
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    answer = api_as(world.rice_seller).post(
        url(order, "counter"), {"prices": {line.pk: 15_000}}, format="json"
    )
    assert answer.status_code == 400
    assert "harga katalog" in str(answer.data["error"]["fields"]["prices"][str(line.pk)])


def test_a_third_round_is_a_field_error(world, api_as):
    order, line = rice_order(world)
    for price, counter in ((12_000, 14_000), (12_500, 13_800)):
        negotiation_propose(order=order, by=world.requester, prices={line.pk: price})
        negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: counter})
    answer = api_as(world.requester).post(
        url(order, "propose"), {"prices": {line.pk: 13_000}}, format="json"
    )
    assert answer.status_code == 400 and "prices" in answer.data["error"]["fields"]


def test_who_may_not_move_is_refused_before_the_body_is_read(world, api_as):
    order, line = rice_order(world)
    stranger = member(DepartmentRole.REQUESTER, DepartmentFactory(code="DINKES"))
    body = {"prices": {line.pk: 12_000}}
    assert api_as(stranger).get(url(order)).status_code == 404
    assert api_as(stranger).post(url(order, "propose"), body, format="json").status_code == 404
    assert (
        api_as(world.approver).post(url(order, "propose"), body, format="json").status_code == 403
    )
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    vendor = api_as(world.rice_seller)
    assert vendor.post(url(order, "propose"), "not json", format="json").status_code == 403
    answer = api_as(world.requester).post(url(order, "counter"), "nonsense", format="json")
    assert answer.status_code == 403
    answer = api_as(world.besek_seller).post(url(order, "accept"), {}, format="json")
    assert answer.status_code == 404


def test_approval_is_refused_while_open_with_a_conflict(world, api_as):
    order, line = rice_order(world)
    detail = reverse("api:order-detail", args=[order.pk])
    assert "approve" in api_as(world.approver).get(detail).data["allowed_actions"]
    assert order in list(orders_waiting_for(world.approver))
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    # Not offered meanwhile, nor waiting on the PPK's home page.
    assert "approve" not in api_as(world.approver).get(detail).data["allowed_actions"]
    assert order not in list(orders_waiting_for(world.approver))
    answer = api_as(world.approver).post(reverse("api:order-approve", args=[order.pk]))
    assert answer.status_code == 409
    assert answer.data["error"]["code"] == "negotiation_open"
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


def test_an_idempotency_key_replays_the_acceptance_once(world, api_as):
    order, line = rice_order(world)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    vendor = api_as(world.rice_seller)
    first = vendor.post(url(order, "accept"), {}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    again = vendor.post(url(order, "accept"), {}, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.data == first.data
    world.line.refresh_from_db()
    assert world.line.committed == 1_200_000


@pytest.mark.parametrize("rounds", [1, 2])
def test_the_api_reads_a_negotiation_in_bounded_queries(
    world, api_as, django_assert_max_num_queries, rounds
):
    order, line = rice_order(world)
    for number in range(rounds):
        negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000 + number})
        negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 14_000})
    client = api_as(world.requester)
    with django_assert_max_num_queries(12):
        assert client.get(url(order)).status_code == 200


# --- the order's page -------------------------------------------------------------------------


def test_the_pages_carry_a_proposal_a_counter_and_an_acceptance(world, login, client):
    order, line = rice_order(world)
    page = login(world.requester).get(reverse("order-detail", args=[order.pk]), **ENGLISH)
    html = page.content.decode()
    assert 'id="negotiation"' in html and f'name="negotiation_propose-prices-{line.pk}"' in html
    move = lambda name: reverse("order-negotiation-move", args=[order.pk, name])  # noqa: E731
    answer = client.post(move("propose"), {f"negotiation_propose-prices-{line.pk}": "12.000"})
    assert answer.status_code == 302
    assert Negotiation.objects.get().rounds.get().prices.get().proposed_price == 12_000
    # The PPK is shown no Approve button meanwhile.
    html = login(world.approver).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "/do/approve/" not in html and "/do/reject/" in html
    vendor = login(world.rice_seller)
    html = vendor.get(reverse("order-detail", args=[order.pk]), **ENGLISH).content.decode()
    assert f'name="negotiation_counter-prices-{line.pk}"' in html
    assert move("accept") in html and move("decline") in html and move("propose") not in html
    # A counter above the listed price comes back next to its field.
    answer = vendor.post(
        move("counter"),
        {f"negotiation_counter-prices-{line.pk}": "15000", "negotiation_counter-answering": "1"},
    )
    assert answer.status_code == 302
    html = vendor.get(reverse("order-detail", args=[order.pk]), **ENGLISH).content.decode()
    assert re.search(r'class="field-error"[^>]*>[^<]*Rp', html)
    vendor.post(
        move("counter"),
        {f"negotiation_counter-prices-{line.pk}": "13500", "negotiation_counter-answering": "1"},
    )
    requester = login(world.requester)
    html = requester.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert move("accept") in html and move("withdraw") in html
    requester.post(move("accept"), {"negotiation_accept-answering": "1"})
    order.refresh_from_db()
    assert order.total == 1_350_000
    assert Negotiation.objects.get().status == NegotiationStatus.AGREED


def test_a_page_move_by_someone_else_is_refused(world, login):
    order, line = rice_order(world)
    negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000})
    move = reverse("order-negotiation-move", args=[order.pk, "counter"])
    assert login(world.requester).post(move, {}).status_code == 403
    assert login(world.besek_seller).post(move, {}).status_code == 404
    assert (
        login(world.rice_seller)
        .post(reverse("order-negotiation-move", args=[order.pk, "haggle"]), {})
        .status_code
        == 404
    )


@pytest.mark.parametrize("rounds", [1, 2])
def test_the_order_page_runs_bounded_queries_whatever_the_rounds(
    world, login, django_assert_max_num_queries, rounds
):
    order, line = rice_order(world)
    for number in range(rounds):
        negotiation_propose(order=order, by=world.requester, prices={line.pk: 12_000 + number})
        negotiation_counter(order=order, by=world.rice_seller, prices={line.pk: 14_000})
    client = login(world.rice_seller)
    with django_assert_max_num_queries(26):
        assert client.get(reverse("order-detail", args=[order.pk])).status_code == 200
