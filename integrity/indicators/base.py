"""What every indicator shares: what it is given, what it finds, and which orders count.

An indicator is a function `(scope) -> list[Finding]` that asks the database for aggregates
(GROUP BY, window functions) and reads back only what it flags; none loops over the orders.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BigIntegerField, Func, Q, QuerySet, ValueRange

from orders.models import OrderStatus, PurchaseOrder
from procurement.models import FiscalYear, Policy

# Orders placed that stand: submitted, and neither refused, declined, expired nor cancelled.
NOT_COUNTED = (
    OrderStatus.DRAFT,
    OrderStatus.REJECTED,
    OrderStatus.DECLINED,
    OrderStatus.EXPIRED,
    OrderStatus.CANCELLED,
)

DAY = 86_400


@dataclass(frozen=True)
class Scope:
    """What a scan reads: a fiscal year, its policy (the indicators' parameters), and now."""

    fiscal_year: FiscalYear
    policy: Policy
    now: datetime.datetime


@dataclass(frozen=True)
class Finding:
    """What an indicator found: `key` names it (one open flag per key), the evidence is ids."""

    indicator: str
    rule: str
    key: str
    figures: dict
    department_id: int | None = None
    vendor_id: int | None = None
    fiscal_year_id: int | None = None
    order_ids: tuple[int, ...] = ()
    line_ids: tuple[int, ...] = ()
    vendor_ids: tuple[int, ...] = ()


def standing(path: str = "") -> Q:
    """Orders that were placed and stand (submitted, not refused, cancelled or expired), as a
    condition on the order at `path` ("order__" from its lines: a join, not a subquery)."""
    return Q(**{f"{path}submitted_at__isnull": False}) & ~Q(**{f"{path}status__in": NOT_COUNTED})


def counted_orders(fiscal_year: FiscalYear) -> QuerySet[PurchaseOrder]:
    """The fiscal year's orders that were placed and stand."""
    return PurchaseOrder.objects.filter(standing(), budget_line__fiscal_year=fiscal_year)


class Seconds(Func):
    """A timestamp as whole seconds since 1970: a number a window frame can range over
    (`RANGE BETWEEN n PRECEDING`) on PostgreSQL and SQLite alike."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST((julianday(%(expressions)s) - 2440587.5) * 86400 AS INTEGER)",
        )


class Preceding(ValueRange):
    """`RANGE BETWEEN <n> PRECEDING AND CURRENT ROW`. Django's own ValueRange refuses an offset
    on PostgreSQL (a limit of PostgreSQL before 11), which PostgreSQL and SQLite both take."""

    def __init__(self, n: int):
        super().__init__(start=-n, end=0)

    def window_frame_start_end(self, connection, start, end):
        return f"{int(-start)} PRECEDING", "CURRENT ROW"
