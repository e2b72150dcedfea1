"""Reads of the integrity app: the console's list and a flag's evidence, the public counts."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from integrity.models import Flag, FlagEvent, FlagStatus, Scan
from integrity.permissions import flags_visible_to
from market.models import Department
from orders.models import OrderLine, PurchaseOrder
from procurement.models import FiscalYear
from vendors.models import Vendor

# The share of flags reviewed within this many days is what the public page shows.
REVIEW_DAYS = 30


def flag_filter(
    flags: QuerySet[Flag],
    *,
    indicator: str = "",
    department: Department | None = None,
    vendor: Vendor | None = None,
    status: str = "",
    fiscal_year: FiscalYear | None = None,
) -> QuerySet[Flag]:
    if indicator:
        flags = flags.filter(indicator=indicator)
    if department is not None:
        flags = flags.filter(department=department)
    if vendor is not None:
        flags = flags.filter(
            pk__in=Flag.vendors.through.objects.filter(vendor=vendor).values("flag_id")
        )
    if status:
        flags = flags.filter(status=status)
    if fiscal_year is not None:
        flags = flags.filter(fiscal_year=fiscal_year)
    return flags


def flags_listed_for(user) -> QuerySet[Flag]:
    """The console's rows, newest first, with what each row shows (no evidence lists)."""
    return (
        flags_visible_to(user)
        .select_related("department", "vendor", "fiscal_year")
        .defer("order_ids", "line_ids", "review_reason")
        .order_by("-raised_at", "-id")
    )


def flag_for(user, pk) -> Flag | None:
    return (
        flags_visible_to(user)
        .select_related("department", "vendor", "fiscal_year", "reviewed_by")
        .filter(pk=pk)
        .first()
    )


# The evidence a flag's page and the API show (a category bought all year long may rest on
# thousands of lines): the first ones, and how many there are in all.
EVIDENCE_SHOWN = 100


@dataclass(frozen=True)
class Evidence:
    orders: list[PurchaseOrder]
    lines: list[OrderLine]
    vendors: list[Vendor]
    events: list[FlagEvent]
    orders_in_all: int
    lines_in_all: int

    @property
    def more_orders(self) -> int:
        return self.orders_in_all - len(self.orders)

    @property
    def more_lines(self) -> int:
        return self.lines_in_all - len(self.lines)


def flag_evidence(flag: Flag) -> Evidence:
    """The orders, lines and vendors a flag rests on (the first EVIDENCE_SHOWN of each), and
    its history: four queries."""
    return Evidence(
        orders_in_all=len(flag.order_ids),
        lines_in_all=len(flag.line_ids),
        orders=list(
            PurchaseOrder.objects.filter(pk__in=flag.order_ids[:EVIDENCE_SHOWN])
            .select_related("department", "vendor")
            .only(
                "number",
                "status",
                "total",
                "submitted_at",
                "department__code",
                "vendor__legal_name",
                "vendor__trading_name",
            )
            .order_by("submitted_at", "pk")
        ),
        lines=list(
            OrderLine.objects.filter(pk__in=flag.line_ids[:EVIDENCE_SHOWN])
            .select_related("order")
            .only(
                "product_name",
                "unit",
                "unit_price",
                "quantity",
                "total",
                "category",
                "order__number",
            )
            .order_by("pk")
        ),
        vendors=list(
            flag.vendors.all()
            .select_related("village")
            .only("legal_name", "trading_name", "status", "scale", "village__name")
            .order_by("legal_name", "pk")
        ),
        events=list(flag.events.select_related("by", "scan").order_by("at", "pk")),
    )


def latest_scan(fiscal_year: FiscalYear | None) -> Scan | None:
    return Scan.objects.filter(fiscal_year=fiscal_year).order_by("-created_at", "-pk").first()


def department_open_flags(user, department: Department) -> QuerySet[Flag]:
    return flags_listed_for(user).filter(department=department, status=FlagStatus.OPEN)


@dataclass(frozen=True)
class PublicFlagCount:
    code: str
    name: str
    raised: int
    due: int  # raised at least REVIEW_DAYS ago, or reviewed
    reviewed_in_time: int

    @property
    def reviewed_share(self):
        return round(self.reviewed_in_time * 100 / self.due) if self.due else None


def public_flag_counts(*, fiscal_year: FiscalYear, now: datetime.datetime | None = None):
    """Per department: how many flags were raised in the fiscal year and the share reviewed
    within REVIEW_DAYS (of those whose days have run, or that were reviewed). Never a flag's
    content."""
    now = now or timezone.now()
    days = datetime.timedelta(days=REVIEW_DAYS)
    rows = (
        Flag.objects.filter(fiscal_year=fiscal_year, department__isnull=False)
        .values("department__code", "department__name")
        .annotate(
            raised=Count("pk"),
            due=Count("pk", filter=Q(raised_at__lte=now - days) | Q(reviewed_at__isnull=False)),
            in_time=Count("pk", filter=Q(reviewed_at__lte=F("raised_at") + days)),
        )
        .order_by("department__code")
    )
    return [
        PublicFlagCount(
            code=row["department__code"],
            name=row["department__name"],
            raised=row["raised"],
            due=row["due"],
            reviewed_in_time=row["in_time"],
        )
        for row in rows
    ]
