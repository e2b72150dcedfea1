"""Real threads on PostgreSQL at the closing second: offers and the closing task racing. An
offer accepted is one the ranking holds, and none is stored once the quote has closed. The
offer's write is slowed (its save sleeps) so that its commit straddles the closing: the
quote's row lock in offer_submit is what makes the closing task wait (skip) for it."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from market.errors import Conflict
from quotes.models import Offer, Quote, QuoteStatus
from quotes.services import quote_close
from tests.markers import committing
from tests.races import race

pytestmark = [pytest.mark.postgres, committing]

SLOW_WRITE = 0.5  # seconds an offer's save takes in these tests


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proved on PostgreSQL")


@pytest.fixture
def slow_offers(monkeypatch):
    save = Offer.save

    def slow_save(self, *args, **kwargs):
        time.sleep(SLOW_WRITE)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Offer, "save", slow_save)


def closing_in(quote: Quote, seconds: float) -> datetime.datetime:
    """Move the quote's closing to `seconds` from now (as if published long ago)."""
    closes_at = timezone.now() + datetime.timedelta(seconds=seconds)
    Quote.objects.filter(pk=quote.pk).update(closes_at=closes_at)
    return closes_at


def wait_until(moment: datetime.datetime) -> None:
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()))


def closing_task(quote: Quote, closes_at: datetime.datetime, *, late: float = 0.0) -> Quote:
    """The beat task, from the closing second (`late` seconds after it) until it has closed the
    quote: a quote being written to is skipped and taken again at the next run."""
    wait_until(closes_at + datetime.timedelta(seconds=late))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        closed = quote_close(quote_id=quote.pk, now=timezone.now())
        if closed is not None:
            return closed
        time.sleep(0.05)
    raise AssertionError("the closing task never closed the quote")


def test_offers_at_the_closing_second_are_before_the_opening_and_all_ranked(quoting, slow_offers):
    quoting.policy.quote_min_offers = 1
    quoting.policy.save()
    quote = quoting.publish()
    early = quoting.offer(quoting.caterers[2], quote, 25_000)  # days before
    closes_at = closing_in(quote, 1.5)
    # one vendor a moment before the closing second, one just at it; the task at it
    starts = {1: -0.2, 2: 0.0}

    def work(index):
        if index == 0:
            return closing_task(quote, closes_at)
        wait_until(closes_at + datetime.timedelta(seconds=starts[index]))
        return quoting.offer(quoting.caterers[index - 1], quote, 24_000 + index)

    results, errors = race(3, work)
    assert all(isinstance(error, Conflict) for error in errors), errors
    accepted = [result for result in results if isinstance(result, Offer)]
    assert accepted, "the offer before the closing second was refused"
    accepted.append(early)
    ranked = set(Offer.objects.filter(quote=quote, rank__isnull=False).values_list("pk", flat=True))
    assert {offer.pk for offer in accepted} <= ranked
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CLOSED
    assert quote.opened_at >= quote.closes_at
    for offer in Offer.objects.filter(quote=quote):
        assert offer.submitted_at < quote.closes_at <= quote.opened_at
    assert Offer.objects.filter(quote=quote).count() == len(accepted)


def test_an_offer_just_after_the_closing_second_is_refused_and_not_stored(quoting, slow_offers):
    quote = quoting.publish()
    for caterer, price in zip(quoting.caterers[1:], (24_000, 23_000), strict=True):
        quoting.offer(caterer, quote, price)
    late = quoting.caterers[0]
    closes_at = closing_in(quote, 1.5)

    def work(index):
        if index == 0:  # the beat's run comes a little after the closing second
            return closing_task(quote, closes_at, late=0.1)
        wait_until(closes_at + datetime.timedelta(seconds=0.05))
        return quoting.offer(late, quote, 20_000)

    _results, errors = race(2, work)
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert not Offer.objects.filter(quote=quote, vendor=late.vendor).exists()
    quote.refresh_from_db()
    assert quote.status in (QuoteStatus.CLOSED, QuoteStatus.SHORT)
