"""Real threads on PostgreSQL: the closing task run several times at once closes a quote once;
one vendor's two offers at once leave one offer."""

import datetime

import pytest
from django.db import connection

from market.models import AuditEvent, Notification
from quotes.models import Offer, QuoteStatus
from quotes.services import quote_close
from tests.markers import committing
from tests.races import race

pytestmark = [pytest.mark.postgres, committing]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proved on PostgreSQL")


def test_the_closing_task_run_four_times_at_once_opens_and_ranks_the_quote_once(quoting):
    quote = quoting.publish()
    for caterer, price in zip(quoting.caterers, (24_000, 23_000, 25_000), strict=True):
        quoting.offer(caterer, quote, price)
    now = quote.closes_at + datetime.timedelta(minutes=1)

    results, errors = race(4, lambda index: quote_close(quote_id=quote.pk, now=now))
    assert errors == []
    assert len([result for result in results if result is not None]) == 1
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CLOSED
    assert Notification.objects.filter(kind="quote.opened").count() == 1
    assert AuditEvent.objects.filter(action="quote.open").count() == 1
    assert AuditEvent.objects.filter(action="quote.offer").count() == 3
    assert sorted(Offer.objects.values_list("rank", flat=True)) == [1, 2, 3]


def test_a_vendors_double_click_leaves_one_offer_revised_once(quoting):
    quote = quoting.publish()
    first = quoting.caterers[0]
    _results, errors = race(2, lambda index: quoting.offer(first, quote, 24_000 + index))
    assert errors == []
    offer = Offer.objects.get(quote=quote)
    assert offer.revisions == 1
