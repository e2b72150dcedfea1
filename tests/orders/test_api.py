import datetime

import pytest
from django.utils import timezone

from market.models import DepartmentRole
from orders.models import IdempotencyKey, PurchaseOrder
from tests.factories import DepartmentFactory, UserFactory, finance_officer, member, vendor_member
from tests.plans import plan_at_scale

pytestmark = pytest.mark.django_db
SOON = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()


def fill_cart(client, world):
    for product, quantity in ((world.rice, "100"), (world.besek, "50")):
        response = client.post(
            "/api/v1/cart/items/", {"product": product.pk, "quantity": quantity}, format="json"
        )
        assert response.status_code == 201, response.json()


def checkout(client, world, key=None, **overrides):
    body = {
        "department": "DISDIK",
        "budget_line": world.line.pk,
        "approver": world.approver.username,
        "delivery_address": "Kantor Dinas Pendidikan",
        "delivery_date": SOON,
        **overrides,
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/cart/checkout/", body, format="json", **headers)


def act(client, order_id, action, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/orders/{order_id}/{action}/", body, format="json", **headers)


def test_the_whole_flow_through_the_api(api_as, world):
    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    cart = buyer.get("/api/v1/cart/").json()
    assert len(cart["items"]) == 2 and cart["estimated_total"] == 1_450_000 + 225_000
    created = checkout(buyer, world)
    assert created.status_code == 201, created.json()
    rice_order = next(o for o in created.json() if o["vendor_id"] == world.rice.vendor_id)
    order_id = rice_order["id"]

    approver = api_as(world.approver)
    detail = approver.get(f"/api/v1/orders/{order_id}/").json()
    assert detail["allowed_actions"] == ["approve", "reject", "cancel"]
    assert act(approver, order_id, "approve").json()["status"] == "approved"

    seller = api_as(world.rice_seller)
    assert [o["id"] for o in seller.get("/api/v1/vendor/orders/").json()["results"]] == [order_id]
    assert act(seller, order_id, "accept").json()["status"] == "accepted"
    line_id = detail["lines"][0]["id"]
    treasurer, receiver = api_as(world.treasurer), api_as(world.receiver)

    def deliver(quantity):
        act(seller, order_id, "ship", quantities={str(line_id): quantity})
        return act(
            receiver,
            order_id,
            "receive",
            quantities={str(line_id): quantity},
            received_on=timezone.localdate().isoformat(),
            signed_by_name="Siti Aminah",
        ).json()

    def pay(number):
        return act(
            treasurer,
            order_id,
            "pay",
            key=f"pay-{number}",
            sp2d_number=f"{number}/SP2D/LS/2026",
            sp2d_date=timezone.localdate().isoformat(),
        ).json()

    # The first 60 kg arrive and are billed and paid (a termin) while 40 kg are still to come.
    assert deliver("60")["status"] == "partially_received"
    billed = act(seller, order_id, "invoice").json()
    assert billed["status"] == "partially_received"
    assert [(i["amount"], i["final"], i["paid_at"]) for i in billed["invoices"]] == [
        (870_000, False, None)
    ]
    assert "ship" in seller.get(f"/api/v1/orders/{order_id}/").json()["allowed_actions"]
    assert pay("00123")["status"] == "partially_received"
    # The rest arrives: the final invoice bills it, and paying it pays the order.
    assert deliver("40")["status"] == "received"
    assert act(seller, order_id, "invoice").json()["status"] == "invoiced"
    paid = pay("00124")
    assert paid["status"] == "paid"
    assert [(i["amount"], i["final"]) for i in paid["invoices"]] == [
        (870_000, False),
        (580_000, True),
    ]
    assert all(invoice["paid_at"] for invoice in paid["invoices"])
    closed = act(buyer, order_id, "close").json()
    assert closed["status"] == "closed"
    assert [event["action"] for event in closed["timeline"]][-3:] == [
        "order.invoice",
        "order.pay",
        "order.close",
    ]
    kinds = [document["kind"] for document in closed["documents"]]
    assert kinds[0] == "purchase-order"
    assert len([kind for kind in kinds if kind.startswith("bast-")]) == 2
    assert len([kind for kind in kinds if kind.startswith("invoice-")]) == 2
    assert len([kind for kind in kinds if kind.startswith("kuitansi-")]) == 2
    for kind in kinds:
        pdf = buyer.get(f"/api/v1/orders/{order_id}/documents/{kind}/")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    world.line.refresh_from_db()
    assert world.line.realised == 1_450_000 and world.line.committed == 225_000  # besek open


def test_bad_checkout_input_is_a_clear_400_and_nothing_is_written(api_as, world):
    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = checkout(buyer, world, delivery_date=past, approver=world.receiver.username)
    error = response.json()["error"]
    assert response.status_code == 400
    assert {"delivery_date", "approver"} <= set(error["fields"])
    assert "Tanggal tidak boleh sebelum" in error["fields"]["delivery_date"][0]  # in Indonesian
    assert not PurchaseOrder.objects.exists()
    assert len(buyer.get("/api/v1/cart/").json()["items"]) == 2  # the cart is kept


@pytest.mark.parametrize("quantity", ["0", "-1", "5", "abc"])
def test_bad_cart_quantities_are_refused(api_as, world, quantity):
    response = api_as(world.requester).post(
        "/api/v1/cart/items/", {"product": world.rice.pk, "quantity": quantity}, format="json"
    )
    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]


def test_missing_reasons_and_forbidden_roles(api_as, world):
    order = world.order((world.rice, "100"))[0]
    missing = act(api_as(world.approver), order.pk, "reject", reason="")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    assert act(api_as(world.requester), order.pk, "approve").status_code == 403
    # Someone who may see the order but not reject it is refused before the input is read.
    refused = act(api_as(world.receiver), order.pk, "reject", reason="")
    assert refused.status_code == 403 and "fields" not in refused.json()["error"]
    assert act(api_as(world.rice_seller), order.pk, "approve").status_code == 404  # not visible
    other = member(DepartmentRole.APPROVER)
    assert act(api_as(other), order.pk, "approve").status_code == 404
    conflict = act(api_as(world.approver), order.pk, "accept")
    assert conflict.status_code == 403
    order.refresh_from_db()
    assert order.status == "submitted"


def test_orders_are_scoped_per_role(api_as, world):
    order = world.order((world.rice, "100"))[0]
    other_department = member(DepartmentRole.REQUESTER)

    def ids(client, url="/api/v1/orders/"):
        return [row["id"] for row in client.get(url).json()["results"]]

    assert ids(api_as(world.requester)) == [order.pk]
    assert ids(api_as(finance_officer())) == [order.pk]
    assert ids(api_as(other_department)) == []
    assert api_as(other_department).get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert ids(api_as(world.rice_seller)) == []  # vendors see orders once approved
    world_order_approved = act(api_as(world.approver), order.pk, "approve")
    assert world_order_approved.status_code == 200
    assert ids(api_as(world.rice_seller)) == [order.pk]
    assert ids(api_as(world.besek_seller)) == [] and ids(api_as(vendor_member())) == []
    assert ids(api_as(world.besek_seller), "/api/v1/vendor/orders/") == []
    assert api_as(UserFactory()).get("/api/v1/orders/").json()["count"] == 0


def test_order_filters(api_as, world):
    first = world.order((world.rice, "100"))[0]
    world.order((world.besek, "10"))
    client = api_as(world.requester)

    def ids(**params):
        return [row["id"] for row in client.get("/api/v1/orders/", params).json()["results"]]

    assert ids(vendor=world.rice.vendor_id) == [first.pk]
    assert ids(search="00001") == [first.pk]
    assert len(ids(status="submitted", department="disdik")) == 2
    assert ids(date_to=(timezone.localdate() - datetime.timedelta(days=1)).isoformat()) == []
    bad = client.get("/api/v1/orders/", {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]


def test_a_replayed_checkout_returns_the_first_answer_and_creates_nothing_more(api_as, world):
    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    first = checkout(buyer, world, key="checkout-7f3a")
    second = checkout(buyer, world, key="checkout-7f3a")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert PurchaseOrder.objects.count() == 2
    refused = checkout(buyer, world, key="checkout-7f3a", notes="different")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "idempotency_key_reused"


def test_a_failed_request_is_replayed_as_the_same_failure(api_as, world):
    order = world.order((world.rice, "100"))[0]
    client = api_as(world.approver)
    first = act(client, order.pk, "reject", key="reject-1", reason="")
    again = act(client, order.pk, "reject", key="reject-1", reason="")
    assert first.status_code == again.status_code == 400
    assert first.json() == again.json()
    assert IdempotencyKey.objects.get(key="reject-1").status_code == 400


def test_keys_belong_to_their_user(api_as, world):
    order = world.order((world.rice, "100"))[0]
    assert act(api_as(world.approver), order.pk, "approve", key="k").status_code == 200
    # The same key from another person is theirs alone: their request is carried out.
    assert act(api_as(world.requester), order.pk, "cancel", key="k", reason="x").status_code == 200


@pytest.mark.parametrize("count", [10, 60])
def test_order_list_runs_a_bounded_number_of_queries(
    api_as, world, django_assert_max_num_queries, count
):
    for _ in range(count // 2):
        world.order((world.rice, "10"), (world.besek, "1"))
    client = api_as(finance_officer())
    with django_assert_max_num_queries(6) as listed:
        response = client.get("/api/v1/orders/", {"page_size": 100})
    assert len(response.json()["results"]) == count
    # Nothing the list does not show is read: no lines, no people.
    orders_read = [q["sql"] for q in listed.captured_queries if "orders_purchaseorder" in q["sql"]]
    assert orders_read and not any(
        "orders_orderline" in sql or '"market_user"' in sql for sql in orders_read
    )


@pytest.mark.postgres
def test_an_order_list_page_is_read_from_the_newest_first_index(world):
    """Finance lists every order of the regency: a page reads its rows from an index in the
    list's order instead of sorting them all (at 400,000 orders: 214 ms -> under 1 ms)."""
    from django.db import connection

    from orders.selectors import orders_listed_for

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    page = orders_listed_for(finance_officer()).order_by("-created_at", "-id")[:50]
    plan = plan_at_scale(page)
    assert "order_newest_idx" in plan and "Sort" not in plan, plan


@pytest.mark.parametrize("code", ["DINKES", "NOPE"])
def test_a_department_in_the_body_that_is_not_the_requesters_is_a_field_error(api_as, world, code):
    """A body's department is input: another department's code (departments are public) and
    a code of none are refused alike, naming the field, with every other field's problem."""
    DepartmentFactory(code="DINKES")
    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    response = checkout(buyer, world, department=code, delivery_date="soon")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["department"] == ["Pilih perangkat daerah tempat Anda memesan: DISDIK."]
    assert "delivery_date" in fields
    added = buyer.post(
        "/api/v1/cart/items/",
        {"department": code, "product": world.rice.pk, "quantity": "10"},
        format="json",
    )
    assert added.status_code == 400 and "department" in added.json()["error"]["fields"]
    assert buyer.post("/api/v1/cart/preview/", {"department": code}, format="json").json()["error"][
        "fields"
    ] == {"department": ["Pilih perangkat daerah tempat Anda memesan: DISDIK."]}
    scheduled = buyer.post("/api/v1/standing-orders/", {"department": code}, format="json")
    assert scheduled.status_code == 400
    assert {"department", "budget_line", "items"} <= set(scheduled.json()["error"]["fields"])
    assert not PurchaseOrder.objects.exists()


def test_a_checkout_that_fails_its_checks_never_reaches_the_service(api_as, world, calls_of):
    """A date that is no date, another person's PPK and a vendor named by no id come back in
    one answer, from one pass over the input; the checkout service does not run."""
    from orders.services import placing

    checking_out = calls_of(placing, "cart_checkout")
    buyer = api_as(world.requester)
    fill_cart(buyer, world)
    response = checkout(
        buyer,
        world,
        delivery_date="soon",
        approver="nobody",
        budget_lines={"x": 1},
        notes="n" * 1001,
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {
        "delivery_date",
        "approver",
        "budget_lines",
        "notes",
    }
    assert checking_out == [] and not PurchaseOrder.objects.exists()


def test_who_may_not_schedule_standing_orders_is_refused_before_the_body_is_read(api_as, world):
    body = {"department": "DISDIK", "day_of_month": "x"}
    refused = api_as(world.approver).post("/api/v1/standing-orders/", body, format="json")
    # The PPK sees the department's standing orders, but scheduling them is the requesters'.
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == (
        "Hanya pemesan dari perangkat daerah ini yang dapat menjadwalkan pesanannya."
    )
    # A vendor has no standing orders to see: nothing here for it, as the page answers.
    seller = api_as(world.rice_seller)
    assert seller.post("/api/v1/standing-orders/", body, format="json").status_code == 404
    assert seller.get("/api/v1/standing-orders/").status_code == 404


def test_standing_orders_through_the_api(api_as, world):
    client = api_as(world.requester)
    today = timezone.localdate()
    response = client.post(
        "/api/v1/standing-orders/",
        {
            "department": "DISDIK",
            "name": "Beras ASN",
            "budget_line": world.line.pk,
            "approver": world.approver.username,
            "day_of_month": 1,
            "start_date": today.isoformat(),
            "end_date": today.replace(month=12, day=31).isoformat(),
            "delivery_address": "Gudang",
            "items": [{"product": world.rice.pk, "quantity": "500"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    standing_id = response.json()["id"]
    assert (
        api_as(member(DepartmentRole.REQUESTER))
        .get(f"/api/v1/standing-orders/{standing_id}/")
        .status_code
        == 404
    )
    bad = client.post(
        "/api/v1/standing-orders/",
        {
            **response.json(),
            "day_of_month": 31,
            "approver": world.approver.username,
            "department": "DISDIK",
            "budget_line": world.line.pk,
            "items": [{"product": world.rice.pk, "quantity": "5"}],
        },
        format="json",
    )
    assert bad.status_code == 400 and "day_of_month" in bad.json()["error"]["fields"]
    assert client.post(f"/api/v1/standing-orders/{standing_id}/stop/").json()["is_active"] is False


def test_a_conflict_is_not_kept_as_the_keys_answer(api_as, world):
    order = world.order((world.rice, "100"))[0]
    seller = api_as(world.rice_seller)
    transitions_approve = act(api_as(world.approver), order.pk, "approve")
    assert transitions_approve.status_code == 200
    line = order.lines.get()
    first = act(seller, order.pk, "ship", key="ship-1", quantities={str(line.pk): "1"})
    assert first.status_code == 409  # not accepted yet
    assert not IdempotencyKey.objects.filter(key="ship-1").exists()
    act(seller, order.pk, "accept")
    retried = act(seller, order.pk, "ship", key="ship-1", quantities={str(line.pk): "1"})
    assert retried.status_code == 200 and retried.json()["status"] == "partially_shipped"
