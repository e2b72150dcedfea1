"""An order's actions on its page: refused at the door for someone who may not act, a failed
form shown again at the top after a redirect (a reload never posts again nor answers 405), and
a question with the amount before what cannot be undone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import OrderStatus
from orders.services import payments, transitions
from tests.factories import finance_officer
from tests.orders.test_inputs import invoiced
from tests.orders.test_services import refresh

pytestmark = pytest.mark.django_db


def action_url(order, action):
    return reverse("order-action", args=[order.pk, action])


@pytest.mark.parametrize(
    ("who", "action", "data", "state"),
    [
        ("receiver", "reject", {"reject-reason": "", "confirmed": "yes"}, "submitted"),
        ("requester", "approve", {"confirmed": "yes"}, "submitted"),
        ("treasurer", "cancel", {}, "submitted"),
        ("requester", "decline", {"decline-reason": "", "confirmed": "yes"}, "approved"),
        ("rice_seller", "close_short", {"close_short-reason": "", "confirmed": "yes"}, "shipped"),
        ("receiver", "refund", {"refund-amount": "x", "confirmed": "yes"}, "paid"),
        ("finance", "close", {}, "paid"),
    ],
)
def test_someone_who_may_not_act_is_refused_403_whatever_they_posted(
    login, world, who, action, data, state
):
    """Never a field error: what they typed, empty or wrong, is not read."""
    order = world.order((world.rice, "100"))[0]
    if state != "submitted":
        transitions.order_approve(order=order, by=world.approver)
    if state == "shipped":
        transitions.order_accept(order=order, by=world.rice_seller)
        line = order.lines.get()
        transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "40"})
    if state == "paid":
        order = invoiced(world, "100")
        payments.order_pay(
            order=order, by=world.treasurer, sp2d_number="1/SP2D", sp2d_date=timezone.localdate()
        )
    person = finance_officer() if who == "finance" else getattr(world, who)
    refresh(order)
    before = order.status
    response = login(person).post(action_url(order, action), data)
    assert response.status_code == 403
    assert "Anda tidak berwenang melakukan tindakan ini." in response.content.decode()
    refresh(order)
    assert order.status == before


def test_a_failed_action_comes_back_on_the_order_page_with_a_summary_at_the_top(login, world):
    order = world.order((world.rice, "100"))[0]
    approver = login(world.approver)
    response = approver.post(action_url(order, "reject"), {"reject-reason": "", "confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("order-detail", args=[order.pk])
    page = approver.get(response["Location"]).content.decode()
    summary = page.index('class="error-summary"')
    assert summary < page.index("<h1>")  # above everything the page holds
    assert '<a href="#id_reject-reason">Alasan: Isi alasannya.</a>' in page
    assert '<details class="confirm" open>' in page  # the failed action stays open
    # A reload shows the order as it is; the problem was shown once.
    again = approver.get(response["Location"])
    assert again.status_code == 200 and "error-summary" not in again.content.decode()
    # The action's own address, opened or reloaded, leads to the order (never a blank 405).
    assert approver.get(action_url(order, "reject"))["Location"] == response["Location"]
    refresh(order)
    assert order.status == OrderStatus.SUBMITTED


def test_what_cannot_be_undone_asks_first_with_the_amount(login, world):
    order = world.order((world.rice, "100"))[0]
    approver = login(world.approver)
    page = approver.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert f"Setujui pesanan {order.number} senilai Rp1.450.000 dari" in page
    assert "Ya, setujui Rp1.450.000" in page
    # Posted without the confirmation (Enter in a field, an old page): nothing happens, and
    # the question comes back open.
    response = approver.post(action_url(order, "approve"))
    assert response["Location"].endswith("#action-approve")
    refresh(order)
    assert order.status == OrderStatus.SUBMITTED
    page = approver.get(response["Location"].split("#")[0]).content.decode()
    assert '<details class="confirm" open>' in page
    approver.post(action_url(order, "approve"), {"confirmed": "yes"})
    refresh(order)
    assert order.status == OrderStatus.APPROVED


def test_the_invoice_account_is_shown_to_those_who_pay_and_the_vendor_only(login, world):
    from tests.factories import finance_officer
    from tests.orders.test_inputs import invoiced

    order = invoiced(world, "100")
    account = world.rice.vendor.bank_account_number
    url = reverse("order-detail", args=[order.pk])
    for person, sees in (
        (world.treasurer, True),
        (world.rice_seller, True),
        (world.requester, False),
        (world.receiver, False),
        (finance_officer(), False),
    ):
        assert (account in login(person).get(url).content.decode()) == sees, person


def test_an_action_with_bad_input_names_every_problem_and_its_service_never_runs(
    login, api_as, world, monkeypatch
):
    """One pass: the form and the API input check the action's own rules (orders.rules) with
    the fields' types; the service is asked only with input that passed them all."""
    from orders.actions import RECEIVE

    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "60"})
    called = []
    monkeypatch.setattr(RECEIVE, "service", lambda **values: called.append(values))
    bad = {"quantities": {str(line.pk): "70"}, "received_on": "1900-01-01", "signed_by_name": ""}

    answer = api_as(world.receiver).post(f"/api/v1/orders/{order.pk}/receive/", bad, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == {"quantities", "received_on", "signed_by_name"}
    page = login(world.receiver).post(
        action_url(order, "receive"),
        {
            f"receive-quantities-{line.pk}": "70",
            "receive-received_on": "1900-01-01",
            "receive-signed_by_name": "",
        },
        follow=True,
    )
    assert set(page.context["failed_form"].errors) == {
        f"quantities-{line.pk}",
        "received_on",
        "signed_by_name",
    }
    assert called == []
