"""Vendors: registered small local businesses and cooperatives, their members and documents."""

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from market.audit_reading import AuditReading
from market.bounds import ADDRESS_LENGTH, NOTE_LENGTH
from market.files.storage import private_storage
from market.models import Village
from market.money import RupiahField
from vendors.addresses import address_key


class Scale(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


SMALL_BUSINESS_SCALES = (Scale.MICRO, Scale.SMALL)


class ScaleCriteria(models.Model):
    """PP 7/2021 art. 35 thresholds, kept as data so an administrator can follow a new regulation.

    The criteria in force on a date are the latest whose `effective_from` is not after it.
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    regulation = models.CharField(_("regulation"), max_length=100)
    micro_capital_max = RupiahField(_("micro: capital up to"))
    micro_sales_max = RupiahField(_("micro: annual sales up to"))
    small_capital_max = RupiahField(_("small: capital up to"))
    small_sales_max = RupiahField(_("small: annual sales up to"))
    medium_capital_max = RupiahField(_("medium: capital up to"))
    medium_sales_max = RupiahField(_("medium: annual sales up to"))

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("business scale criteria")
        verbose_name_plural = _("business scale criteria")

    def __str__(self) -> str:
        return f"{self.regulation} ({self.effective_from})"


class VendorStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class VendorQuerySet(models.QuerySet):
    def selling(self):
        """Vendors whose products buyers may see and order: verified ones only."""
        return self.filter(status=VendorStatus.VERIFIED)


class Vendor(models.Model):
    # How to reach, tax or pay its owner: an event keeps a fingerprint (of the account number
    # also its last four digits); those who may read them on the vendor's page read them.
    audit_reading = AuditReading(
        private=frozenset(
            {
                "npwp",
                "contact_person",
                "phone",
                "email",
                "address",
                "bank_name",
                "bank_account_number",
                "bank_account_holder",
            }
        ),
        last_digits=frozenset({"bank_account_number"}),
        readable="vendors.permissions.private_fields_for",
    )

    legal_name = models.CharField(_("legal name"), max_length=200)
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, unique=True)
    npwp = models.CharField(_("NPWP"), max_length=16, unique=True)
    contact_person = models.CharField(_("contact person"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16)
    email = models.EmailField(_("e-mail"))
    address = models.TextField(_("address"), max_length=ADDRESS_LENGTH)
    # The address as vendors.matching compares it (two vendors at one address may be one owner);
    # kept by save() from the address and the village.
    address_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vendors",
        verbose_name=_("village"),
        help_text=_("Empty when the business is registered outside the regency."),
    )
    is_cooperative = models.BooleanField(_("cooperative"), default=False)
    is_women_led = models.BooleanField(_("women-led"), default=False)
    declared_capital = RupiahField(_("business capital"), null=True, blank=True)
    declared_annual_sales = RupiahField(_("annual sales"), null=True, blank=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    scale_is_declared = models.BooleanField(
        _("scale declared"), default=False, help_text=_("Declared because figures were withheld.")
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    bank_account_number = models.CharField(_("account number"), max_length=30)
    bank_account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VendorStatus.choices, default=VendorStatus.APPLIED
    )
    status_reason = models.TextField(_("reason"), max_length=NOTE_LENGTH, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # Buyers' ratings after delivery (written by the ratings app's services, in the transaction of
    # each rating, under this row's lock; `manage.py ratings_recompute` rebuilds them from the
    # ratings): how many, and each criterion's sum of scores (1-5). Read through `rating`.
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    rating_timeliness_total = models.PositiveIntegerField(default=0, editable=False)
    rating_quality_total = models.PositiveIntegerField(default=0, editable=False)
    rating_fit_total = models.PositiveIntegerField(default=0, editable=False)

    objects = VendorQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        indexes = [models.Index(fields=["status", "scale"], name="vendor_status_scale_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_capital__gte=0) | Q(declared_capital__isnull=True),
                name="vendor_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(declared_annual_sales__gte=0) | Q(declared_annual_sales__isnull=True),
                name="vendor_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.address_key = address_key(self.address, self.village_id)
        fields = kwargs.get("update_fields")
        if fields is not None and {"address", "village", "village_id"} & set(fields):
            kwargs["update_fields"] = {*fields, "address_key"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name

    @property
    def is_local(self) -> bool:
        """Registered in the regency: every village on record belongs to it."""
        return self.village_id is not None

    @property
    def in_priority_area(self) -> bool:
        return self.village is not None and self.village.is_priority

    @property
    def is_small_business(self) -> bool:
        return self.scale in SMALL_BUSINESS_SCALES

    @property
    def rating(self) -> "RatingSummary":
        """Its buyers' ratings as buyers see them: averages, or "new" below RATING_NEW_BELOW."""
        return RatingSummary.of(self)


RATING_CRITERIA = ("timeliness", "quality", "fit")


@dataclass(frozen=True)
class RatingSummary:
    """A vendor's ratings: their count and, once there are settings.RATING_NEW_BELOW of them,
    the average of each criterion and overall (None while the vendor is "new")."""

    count: int
    is_new: bool
    timeliness: Decimal | None = None
    quality: Decimal | None = None
    fit: Decimal | None = None
    overall: Decimal | None = None

    @classmethod
    def of(cls, vendor: "Vendor") -> "RatingSummary":
        count = vendor.rating_count
        if count < settings.RATING_NEW_BELOW or count == 0:
            return cls(count=count, is_new=True)
        totals = [getattr(vendor, f"rating_{name}_total") for name in RATING_CRITERIA]
        averages = [_average(total, count) for total in totals]
        return cls(count, False, *averages, overall=_average(sum(totals), 3 * count))


def _average(total: int, count: int) -> Decimal:
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class VendorRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class VendorMember(models.Model):
    """A login that acts for a vendor. A login belongs to at most one vendor."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_membership"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=VendorRole.choices, default=VendorRole.STAFF
    )

    class Meta:
        verbose_name = _("vendor member")
        verbose_name_plural = _("vendor members")

    def __str__(self) -> str:
        return f"{self.user} · {self.vendor}"


class DocumentKind(models.TextChoices):
    NIB_CERTIFICATE = "nib", _("NIB certificate")
    NPWP_CARD = "npwp", _("NPWP card")
    FINAL_TAX_CERTIFICATE = "pp55", _("PP 55 certificate (Suket)")
    TURNOVER_STATEMENT = "turnover", _("Turnover statement")
    PKP_CONFIRMATION = "pkp", _("PKP confirmation")
    OTHER = "other", _("Other document")


# What a vendor must have uploaded before an administrator verifies it (vendors.services),
# unless the administrator records why it is verified without them.
DOCUMENTS_FOR_VERIFICATION = (DocumentKind.NIB_CERTIFICATE, DocumentKind.NPWP_CARD)


def _document_path(document: "VendorDocument", filename: str) -> str:
    return f"vendor-documents/{document.vendor_id}/{uuid.uuid4().hex}{document.extension}"


class VendorDocument(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_document_path)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("vendor document")
        verbose_name_plural = _("vendor documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.vendor}"

    @property
    def extension(self) -> str:
        return {
            "application/pdf": ".pdf",
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "image/webp": ".webp",
        }.get(self.content_type, "")


class TaxpayerKind(models.TextChoices):
    ENTITY = "entity", _("Business entity (badan)")
    INDIVIDUAL = "individual", _("Individual (orang pribadi)")


class TaxProfileStatus(models.TextChoices):
    DECLARED = "declared", _("Waiting for a check")
    VERIFIED = "verified", _("Checked")


class VendorTaxProfile(models.Model):
    """What the taxes on a vendor's sales depend on (procurement.taxes), as the vendor declares
    it and an administrator checks it against its documents. Until checked, a certificate and
    a turnover statement do not count, and a NIK does not stand for an NPWP; whether the vendor
    is PKP counts as declared, since its prices then hold PPN."""

    # The NIK is a person's: an event keeps its fingerprint; those who read the vendor's NPWP
    # read it.
    audit_reading = AuditReading(
        private=frozenset({"nik"}), readable="vendors.permissions.tax_profile_fields_for"
    )

    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, related_name="tax_profile")
    taxpayer_kind = models.CharField(
        _("taxpayer"), max_length=10, choices=TaxpayerKind.choices, default=TaxpayerKind.ENTITY
    )
    is_pkp = models.BooleanField(
        _("registered for VAT (PKP)"),
        default=False,
        help_text=_("A PKP's catalogue prices include PPN (UU PPN art. 3A)."),
    )
    pkp_since = models.DateField(_("PKP since"), null=True, blank=True)
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        help_text=_("For a vendor without NPWP: a validated NIK counts as one (PMK 112/2022)."),
    )
    final_certificate_number = models.CharField(
        _("PP 55 certificate number"), max_length=60, blank=True
    )
    final_valid_from = models.DateField(_("certificate valid from"), null=True, blank=True)
    final_valid_to = models.DateField(_("certificate valid to"), null=True, blank=True)
    small_turnover_year = models.PositiveSmallIntegerField(
        _("turnover statement for the year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_(
            "An individual's statement that its turnover in this year is at most Rp500.000.000 "
            "(PP 55/2022 art. 60)."
        ),
    )
    status = models.CharField(
        _("check"),
        max_length=10,
        choices=TaxProfileStatus.choices,
        default=TaxProfileStatus.DECLARED,
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("tax profile")
        verbose_name_plural = _("tax profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(final_valid_to__gte=F("final_valid_from"))
                | Q(final_valid_to__isnull=True)
                | Q(final_valid_from__isnull=True),
                name="tax_profile_certificate_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor} ({self.get_status_display()})"

    @property
    def is_checked(self) -> bool:
        return self.status == TaxProfileStatus.VERIFIED
