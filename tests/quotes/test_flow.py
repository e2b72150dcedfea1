"""The whole mini-competition: publish and invite, sealed offers, closing (short, extension,
opening and ranking), proposal, the PPK's approval and the order it becomes."""

import datetime

import pytest
from django.utils import timezone

from market.errors import Conflict, InvalidInput, NotAllowed
from market.models import AuditEvent, Notification
from orders.models import OrderStatus
from quotes.models import OfferStatus, QuoteStatus
from quotes.services import (
    offer_withdraw,
    quote_award,
    quote_cancel,
    quote_close,
    quote_extend,
    quote_propose,
    quote_send_back,
    quotes_close_due,
)

pytestmark = pytest.mark.django_db


def after_closing(quote, minutes=1):
    return quote.closes_at + datetime.timedelta(minutes=minutes)


def test_the_full_mini_competition_from_the_need_to_an_approved_order(quoting):
    world, (first, second, third) = quoting.world, quoting.caterers
    quote = quoting.publish()

    # Verified local caterers of the (reserved) category are invited; the medium caterer from
    # outside the regency and the rice seller are not. Each invited vendor's member is told.
    invited = set(quote.invitations.values_list("vendor_id", flat=True))
    assert invited == {caterer.vendor.pk for caterer in quoting.caterers}
    told = Notification.objects.filter(kind="quote.invited").values_list("recipient", flat=True)
    assert set(told) == {caterer.member.pk for caterer in quoting.caterers}
    assert quote.number.startswith("MK/DISDIK/")

    # Two offer, one of them withdraws: too few at closing, the offers stay sealed.
    quoting.offer(first, quote, 24_000)
    quoting.offer(second, quote, 23_500)
    offer_withdraw(by=second.member, quote=quote)
    assert quote_close(quote_id=quote.pk, now=after_closing(quote)).status == QuoteStatus.SHORT
    quote.refresh_from_db()
    assert quote.opened_at is None and not quote.offers.filter(rank__isnull=False).exists()
    with pytest.raises(Conflict):  # closed: no more offers until extended
        quoting.offer(third, quote, 22_000)

    # The requester extends once; the vendors are told; they offer again.
    new_closing = quote.closes_at + datetime.timedelta(days=7)
    quote_extend(by=world.requester, quote=quote, closes_at=new_closing)
    assert Notification.objects.filter(kind="quote.extended").count() == 3
    quoting.offer(second, quote, 23_500)
    quoting.offer(third, quote, 26_000)
    quoting.offer(first, quote, 23_000)  # a revision
    quote.refresh_from_db()
    assert quote_close(quote_id=quote.pk, now=after_closing(quote)).status == QuoteStatus.CLOSED
    assert quote_close(quote_id=quote.pk, now=after_closing(quote)) is None  # once

    ranked = list(quote.offers.filter(status=OfferStatus.SUBMITTED).order_by("rank"))
    assert [(o.vendor_id, o.rank) for o in ranked] == [
        (first.vendor.pk, 1),
        (second.vendor.pk, 2),
        (third.vendor.pk, 3),
    ]
    assert [o.above_estimate for o in ranked] == [False, False, True]  # 26.000 > HPS 25.000
    opened = AuditEvent.objects.filter(action="quote.offer", object_id=str(quote.pk))
    assert opened.count() == 3  # each offer's steps, audited at opening

    # Not the first ranked: a reason is needed.
    with pytest.raises(InvalidInput) as refused:
        quote_propose(by=world.requester, quote=quote, offer_id=ranked[1].pk, reason="")
    assert "reason" in refused.value.fields
    quote_propose(by=world.requester, quote=quote, offer_id=ranked[0].pk)
    with pytest.raises(NotAllowed):  # only the named PPK approves
        quote_award(by=world.requester, quote=quote)
    quote_send_back(by=world.approver, quote=quote, reason="Cek ulang jadwal")
    quote_propose(
        by=world.requester, quote=quote, offer_id=ranked[1].pk, reason="Jadwal lebih pasti"
    )
    quote = quote_award(by=world.approver, quote=quote)

    # The award is an ordinary purchase order at the offered price, approved by the PPK.
    order = quote.order
    assert quote.status == QuoteStatus.AWARDED
    assert order.number.startswith("SP/DISDIK/") and order.vendor == second.vendor
    assert order.status == OrderStatus.APPROVED and order.approved_at
    line = order.lines.get()
    assert line.unit_price == 23_500 and line.quantity == 1200
    assert order.total == 23_500 * 1200
    world.line.refresh_from_db()
    assert world.line.committed == order.total
    assert not Notification.objects.filter(kind="order.submitted").exists()  # already approved

    # The losers learn the winning price; the winner its order.
    lost = Notification.objects.filter(kind="quote.lost")
    assert {n.recipient_id for n in lost} == {first.member.pk, third.member.pk}
    assert all(n.params["amount"] == 23_500 for n in lost)
    assert Notification.objects.get(kind="quote.won").recipient == second.member
    actions = set(
        AuditEvent.objects.filter(object_id=str(quote.pk), object_type="quotes.quote").values_list(
            "action", flat=True
        )
    )
    assert {"quote.publish", "quote.short", "quote.extend", "quote.open", "quote.propose"} <= (
        actions
    )
    assert {"quote.send_back", "quote.award"} <= actions


def test_a_preference_margin_lets_a_local_small_vendor_win_at_a_slightly_higher_price(quoting):
    quoting.policy.quote_local_preference = 5
    quoting.policy.save()
    small = quoting.caterers[1]
    # Vendors from outside the regency are not invited to a reserved category: a category that
    # is not reserved invites them, and the margin then helps the local ones.
    quoting.policy.reserved_categories.clear()
    quote = quoting.publish()
    assert quote.invitations.filter(vendor=quoting.outsider.vendor).exists()
    quoting.offer(quoting.outsider, quote, 24_000)
    quoting.offer(small, quote, 25_000)  # 25.000 less 5 % = 23.750 < 24.000
    quote_close(quote_id=quote.pk, now=after_closing(quote))
    ranks = dict(quote.offers.values_list("vendor_id", "rank"))
    assert ranks == {small.vendor.pk: 1, quoting.outsider.vendor.pk: 2}


def test_after_an_extension_the_quote_opens_with_what_it_has_and_can_be_cancelled(quoting):
    world = quoting.world
    quote = quoting.publish()
    quote_close(quote_id=quote.pk, now=after_closing(quote))
    quote_extend(
        by=world.requester, quote=quote, closes_at=quote.closes_at + datetime.timedelta(days=5)
    )
    quote.refresh_from_db()
    quoting.offer(quoting.caterers[0], quote, 24_000)
    assert quote_close(quote_id=quote.pk, now=after_closing(quote)).status == QuoteStatus.CLOSED
    with pytest.raises(InvalidInput):
        quote_cancel(by=world.requester, quote=quote, reason="  ")
    quote_cancel(by=world.requester, quote=quote, reason="Acara dibatalkan")
    assert Notification.objects.filter(kind="quote.cancelled").count() == 3


def test_the_window_is_at_least_the_policys_working_days(quoting):
    with pytest.raises(InvalidInput) as refused:
        quoting.publish(closes_at=timezone.now() + datetime.timedelta(hours=3))
    assert "closes_at" in refused.value.fields


def test_only_an_invited_vendor_offers_and_only_with_its_product_of_the_category(quoting):
    quote = quoting.publish()
    with pytest.raises(NotAllowed):
        quoting.offer(quoting.outsider, quote, 20_000)
    with pytest.raises(InvalidInput) as refused:
        quoting.offer(quoting.caterers[0], quote, 0, product=quoting.world.rice)
    assert set(refused.value.fields) == {"product", "unit_price"}


def test_the_beat_task_closes_every_due_quote(quoting):
    first, second = quoting.publish(), quoting.publish()
    assert quotes_close_due(now=after_closing(second)) == 2
    assert quotes_close_due(now=after_closing(second)) == 0
    assert {q.status for q in (first, second) if q.refresh_from_db() is None} == {QuoteStatus.SHORT}
