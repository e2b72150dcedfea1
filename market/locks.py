"""Row locks: the one order in which every action takes them, and the helper that takes them.

Two transactions that lock the same rows in opposite orders deadlock, and PostgreSQL kills one.
So every action locks in this order, each kind of row by primary key, and never goes back up
the list (re-locking a row it already holds is free):

  0. a person: their API tokens, their password  market.services.api_tokens, accounts
  1. the requester's cart (checkout), a standing order's run for its period
     (or a mini-competition, then its offers: its award then places an order, below)
  2. a vendor (or its tax profile), a category; a rating of a vendor locks the vendor (its
     rollup), then the rating            ratings.services
  3. products                          catalog.services.products_lock
  4. budget lines                      procurement.services.budget_lines_lock
  5. purchase orders, then their lines orders.services.transitions.order_lock
     (or their payment attempts and refunds)  orders.services.payments
  6. number sequences (SP, BAST), the Idempotency-Key's answer
     (or an integrity scan, then a red flag)  integrity.services
  7. the audit chain head, last        market.services.audit (just before commit)

An order's transition that gives back stock or budget therefore locks those products and that
budget line before the order itself; it can name them before locking anything, since an order's
products and budget line never change after checkout (a negotiated price changes a line's price,
under the order's lock; orders.services.negotiation locks the budget line first, and its
negotiation rows live under the order's lock).

A locking query that also reads joined rows (select_related) would lock those rows too: a budget
line's fiscal year and department, which every action in the organisation touches. The helper
locks only the rows named, with `of=("self",)`.
"""

from collections.abc import Iterable

from django.db.models import Model, QuerySet


def lock_rows(queryset: QuerySet, pks: Iterable[int]) -> list[Model]:
    """Lock these rows of `queryset`'s model, in primary-key order; returns them in that order."""
    return list(queryset.select_for_update(of=("self",)).filter(pk__in=set(pks)).order_by("pk"))


def lock_row(queryset: QuerySet, pk: int) -> Model:
    """Lock one row; raises the model's DoesNotExist when it is gone."""
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def lock_all(queryset: QuerySet) -> list[Model]:
    """Lock every row of `queryset` (an order's lines, say), in primary-key order."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))
