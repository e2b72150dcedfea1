"""Integrity red flags: what a scan of the orders and the ledger found worth a person's look.

A flag is a reason to look, not an accusation: it keeps its evidence (the orders, lines and
vendors), the figures that set it off, the scan that found it and the one that last added to
it, and its review. Only integrity.services writes these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from market.audit_reading import AuditReading
from market.bounds import NOTE_LENGTH
from market.models import Department
from procurement.models import FiscalYear
from vendors.models import Vendor


class Indicator(models.TextChoices):
    """Each is one module of integrity.indicators, its rule and parameters in the README."""

    SPLIT_PURCHASE = "split_purchase", _("Split purchase")
    BUNCHING = "bunching", _("Just under a threshold")
    CONCENTRATION = "concentration", _("Vendor concentration")
    MARKET_PRICE = "market_price", _("Price far from the market")
    SHARED_OWNER = "shared_owner", _("One owner behind several vendors")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")


class FlagStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("flag status", "Open")  # not the verb ("Buka")
    EXPLAINED = "explained", _("Explained")
    REFERRED = "referred", _("Referred for audit")


class Scan(models.Model):
    """One run of every indicator over a fiscal year (nightly, by command, or by a button)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    # Empty for the nightly scan and the command.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    indicators_total = models.PositiveSmallIntegerField(default=0)
    indicators_done = models.PositiveSmallIntegerField(default=0)
    raised = models.PositiveIntegerField(_("flags raised"), default=0)
    extended = models.PositiveIntegerField(_("flags extended"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("integrity scan")
        verbose_name_plural = _("integrity scans")
        constraints = [
            # A button pressed twice, or the night's run while one is going: one scan a year.
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(status__in=["pending", "running"]),
                name="scan_one_active_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} #{self.pk}"

    @property
    def progress(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.indicators_total:
            return 0
        return min(99, self.indicators_done * 100 // self.indicators_total)


class Flag(models.Model):
    """A red flag. `key` names what it is about (its indicator's rule and the department,
    vendor, category or shared value it concerns): one open flag per key, so that a scan that
    finds the same again adds to it instead of raising another."""

    audit_reading = AuditReading(department="department_id")

    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    rule = models.CharField(_("rule"), max_length=40)
    key = models.CharField(max_length=200)
    # What its evidence and figures say, hashed (integrity.services): a scan that finds the same
    # again leaves the flag alone without reading it.
    digest = models.CharField(max_length=64, editable=False)
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vendor"),
    )
    # What set it off, as numbers and words the console shows (never a private value whole).
    figures = models.JSONField(_("figures"), default=dict)
    # The evidence: the orders and order lines (their ids) and the vendors it rests on.
    order_ids = models.JSONField(default=list)
    line_ids = models.JSONField(default=list)
    vendors = models.ManyToManyField(
        Vendor, blank=True, related_name="+", verbose_name=_("vendors concerned")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    raised_by = models.ForeignKey(Scan, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised"))
    updated_by = models.ForeignKey(Scan, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("last added to"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        indexes = [
            # The console's order, newest first, and its usual filters.
            models.Index(fields=["-raised_at", "-id"], name="flag_newest_idx"),
            models.Index(fields=["status", "-raised_at", "-id"], name="flag_status_newest_idx"),
            models.Index(fields=["indicator", "key"], name="flag_indicator_key_idx"),
            models.Index(fields=["department", "fiscal_year"], name="flag_department_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "key"],
                condition=Q(status="open"),
                name="flag_one_open_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status="open", reviewed_at__isnull=True)
                | ~Q(status="open") & Q(reviewed_at__isnull=False) & ~Q(review_reason=""),
                name="flag_reviewed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} #{self.pk}"

    @property
    def vendor_ids(self) -> list[int]:
        """The vendors concerned (from a prefetch of `vendors` when there is one)."""
        return sorted(vendor.pk for vendor in self.vendors.all())

    @property
    def evidence(self) -> set[tuple[str, int]]:
        return evidence_of(self.order_ids, self.line_ids, self.vendor_ids)


def evidence_of(order_ids, line_ids, vendor_ids) -> set[tuple[str, int]]:
    """Evidence as one set of (kind, id), for telling what a finding adds to a flag."""
    return {
        *(("order", pk) for pk in order_ids),
        *(("line", pk) for pk in line_ids),
        *(("vendor", pk) for pk in vendor_ids),
    }


class FlagEvent(models.Model):
    """A flag's history after it was raised (its `raised_at`): added to by a later scan,
    reviewed."""

    class Kind(models.TextChoices):
        EXTENDED = "extended", _("New evidence")
        REVIEWED = "reviewed", _("Reviewed")

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    scan = models.ForeignKey(Scan, on_delete=models.PROTECT, null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For new evidence: the orders, lines and vendors it added; for a review: its outcome.
    details = models.JSONField(default=dict)
    note = models.TextField(max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("red flag event")
        verbose_name_plural = _("red flag events")

    def __str__(self) -> str:
        return f"{self.flag_id} {self.kind}"
