"""A buyer's rating of a vendor after the final BAST, and the vendor's one answer."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from market.audit_reading import AuditReading
from market.bounds import NOTE_LENGTH
from market.models import Department
from orders.models import PurchaseOrder
from vendors.models import Vendor

LOWEST, HIGHEST = 1, 5
# A rating's comment and the vendor's answer: a few sentences, as a receiver's remarks on a BAST.
COMMENT_LENGTH = NOTE_LENGTH
ANSWER_LENGTH = NOTE_LENGTH


def _score(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)],
        help_text=_("1 (poor) to 5 (excellent)."),
    )


class Rating(models.Model):
    """One per order: the receiver's scores of its vendor on three criteria, a comment, and the
    vendor's answer. The order's department and vendor are kept beside it for the lists."""

    audit_reading = AuditReading(
        department="department_id",
        fields="ratings.audit_words.FIELDS",
        summary="ratings.audit_words.summary",
    )

    order = models.OneToOneField(
        PurchaseOrder, on_delete=models.PROTECT, related_name="rating", verbose_name=_("order")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("department")
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("vendor")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings_given",
        verbose_name=_("rated by"),
    )
    timeliness = _score(_("timeliness"))
    quality = _score(_("quality"))
    fit = _score(_("fit to the order"))
    comment = models.TextField(_("comment"), max_length=COMMENT_LENGTH, blank=True)
    created_at = models.DateTimeField(_("rated"))
    updated_at = models.DateTimeField(_("changed"))
    answer = models.TextField(_("vendor's answer"), max_length=ANSWER_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            models.Index(fields=["vendor", "-created_at"], name="rating_vendor_idx"),
            models.Index(fields=["department", "-created_at"], name="rating_department_idx"),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": LOWEST, f"{name}__lte": HIGHEST}),
                    name=f"rating_{name}_1_to_5",
                )
                for name in ("timeliness", "quality", "fit")
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="rating_answer_has_words",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.timeliness}/{self.quality}/{self.fit}"

    @property
    def overall(self) -> Decimal:
        total = Decimal(self.timeliness + self.quality + self.fit) / 3
        return total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
