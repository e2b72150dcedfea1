"""Every write of the ratings app: rating an order's vendor after the final BAST, changing the
rating within its days, the vendor's one answer, and the vendor's rollup kept beside them.

Each rating, and each change, locks its vendor's row first (market.locks: a vendor, 2) and
recomputes the vendor's rollup (vendors.models.Vendor.rating_*) from its ratings in the same
transaction: two ratings of one vendor at once are taken in turn, so neither's count is lost,
and a second rating of one order waits for the first and then finds it.
"""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from market.bounds import text_problem
from market.errors import Conflict, InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import User
from market.services.audit import audit_record
from market.services.notifications import notify
from market.transactions import action
from orders.models import PurchaseOrder
from ratings.models import ANSWER_LENGTH, COMMENT_LENGTH, HIGHEST, LOWEST, Rating
from ratings.permissions import (
    change_deadline,
    is_changeable,
    is_rateable,
    may_answer,
    may_change,
    may_rate,
)
from vendors.models import Vendor
from vendors.selectors import vendor_people

CRITERIA = ("timeliness", "quality", "fit")


def score_problems(values: dict) -> dict:
    """{field: [problem]} of a rating's input: each criterion a whole number 1-5, the comment
    bounded (the pages' and the API's forms ask this too)."""
    problems = {}
    for name in CRITERIA:
        score = values.get(name)
        if isinstance(score, bool) or not isinstance(score, int) or not LOWEST <= score <= HIGHEST:
            problems[name] = [_("Choose a score from 1 to 5.")]
    if problem := text_problem(values.get("comment") or "", most=COMMENT_LENGTH, required=False):
        problems["comment"] = [problem]
    return problems


def _scores(rating: Rating) -> dict:
    return {
        "timeliness": rating.timeliness,
        "quality": rating.quality,
        "fit": rating.fit,
        "comment": rating.comment,
    }


def _rollup(vendor_id: int) -> Vendor:
    """Set the vendor's rollup from its ratings (its row is locked by the caller)."""
    totals = Rating.objects.filter(vendor_id=vendor_id).aggregate(
        count=Count("pk"), timeliness=Sum("timeliness"), quality=Sum("quality"), fit=Sum("fit")
    )
    values = {
        "rating_count": totals["count"],
        **{f"rating_{name}_total": totals[name] or 0 for name in CRITERIA},
    }
    Vendor.objects.filter(pk=vendor_id).update(**values)
    return values


def _tell_vendor(rating: Rating, kind: str) -> None:
    notify(
        kind=kind,
        recipients=vendor_people(rating.vendor_id),
        params={
            "number": rating.order.number,
            "party": rating.department.name,
            "timeliness": rating.timeliness,
            "quality": rating.quality,
            "fit": rating.fit,
        },
        target=rating,
        link=reverse("order-detail", args=[rating.order_id]),
    )


@action
def rating_give(
    *, order: PurchaseOrder, by: User, timeliness, quality, fit, comment: str = ""
) -> Rating:
    """A receiver of the order's department rates its vendor, once the order is fully received;
    one rating per order."""
    if not may_rate(by, order):  # before any input is read
        raise NotAllowed(_("Only a receiver of the order's department rates its vendor."))
    lock_row(Vendor.objects, order.vendor_id)
    order = PurchaseOrder.objects.select_related("department", "vendor").get(pk=order.pk)
    if not is_rateable(order):
        raise Conflict(
            _("Order %(number)s can be rated once all its goods are received (the final BAST).")
            % {"number": order.number},
            code="not_received",
        )
    if Rating.objects.filter(order_id=order.pk).exists():
        raise Conflict(
            _("Order %(number)s is rated already.") % {"number": order.number},
            code="rated_already",
        )
    values = {"timeliness": timeliness, "quality": quality, "fit": fit, "comment": comment}
    if problems := score_problems(values):
        raise InvalidInput(problems)
    now = timezone.now()
    rating = Rating.objects.create(
        order=order,
        department=order.department,
        vendor=order.vendor,
        author=by,
        timeliness=timeliness,
        quality=quality,
        fit=fit,
        comment=(comment or "").strip(),
        created_at=now,
        updated_at=now,
    )
    rollup = _rollup(order.vendor_id)
    audit_record(
        actor=by,
        action="rating.give",
        target=rating,
        after={**_scores(rating), "order": order.number, "vendor_rollup": rollup},
    )
    _tell_vendor(rating, "rating.given")
    return rating


@action
def rating_change(
    *, rating: Rating, by: User, timeliness, quality, fit, comment: str = ""
) -> Rating:
    """Its author changes a rating, within settings.RATING_EDIT_DAYS and before the vendor
    answers it."""
    if not may_change(by, rating):  # before any input is read
        raise NotAllowed(_("Only whoever gave a rating may change it."))
    lock_row(Vendor.objects, rating.vendor_id)
    rating = lock_row(Rating.objects.select_related("order", "department"), rating.pk)
    if rating.answered_at is not None:
        raise Conflict(_("The vendor has answered this rating; it stays as it was answered."))
    if not is_changeable(rating):
        raise Conflict(
            _("A rating may be changed until %(date)s; that time is over.")
            % {"date": date_format(timezone.localtime(change_deadline(rating)), "DATETIME_FORMAT")},
            code="too_late",
        )
    values = {"timeliness": timeliness, "quality": quality, "fit": fit, "comment": comment}
    if problems := score_problems(values):
        raise InvalidInput(problems)
    before = _scores(rating)
    rating.timeliness, rating.quality, rating.fit = timeliness, quality, fit
    rating.comment = (comment or "").strip()
    rating.updated_at = timezone.now()
    rating.save(update_fields=[*CRITERIA, "comment", "updated_at"])
    rollup = _rollup(rating.vendor_id)
    audit_record(
        actor=by,
        action="rating.change",
        target=rating,
        before=before,
        after={**_scores(rating), "vendor_rollup": rollup},
    )
    _tell_vendor(rating, "rating.changed")
    return rating


@action
def rating_answer(*, rating: Rating, by: User, answer: str) -> Rating:
    """The vendor answers a rating, once; the answer is not changed afterwards."""
    if not may_answer(by, rating):  # before any input is read
        raise NotAllowed(_("Only the rated vendor answers a rating."))
    rating = lock_row(Rating.objects.select_related("order", "vendor"), rating.pk)
    if rating.answered_at is not None:
        raise Conflict(_("This rating is answered already."), code="answered_already")
    if problem := text_problem(answer, most=ANSWER_LENGTH):
        raise InvalidInput({"answer": [problem]})
    rating.answer = answer.strip()
    rating.answered_by = by
    rating.answered_at = timezone.now()
    rating.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=by, action="rating.answer", target=rating, after={"answer": rating.answer})
    if rating.author.is_active:
        notify(
            kind="rating.answered",
            recipients=[rating.author],
            params={"number": rating.order.number, "party": rating.vendor.display_name},
            target=rating,
            link=reverse("order-detail", args=[rating.order_id]),
        )
    return rating


@action
def _vendor_recompute(*, vendor_id: int) -> bool:
    vendor = lock_row(Vendor.objects, vendor_id)
    before = {
        "rating_count": vendor.rating_count,
        **{f"rating_{name}_total": getattr(vendor, f"rating_{name}_total") for name in CRITERIA},
    }
    after = _rollup(vendor_id)
    if before == after:
        return False
    audit_record(actor=None, action="rating.recompute", target=vendor, before=before, after=after)
    return True


def vendor_ratings_recompute() -> int:
    """Rebuild every vendor's rollup from its ratings, each vendor in its own short action;
    how many differed (and were corrected, with an audit event each)."""
    vendor_ids = Vendor.objects.order_by("pk").values_list("pk", flat=True)
    return sum(_vendor_recompute(vendor_id=vendor_id) for vendor_id in vendor_ids)
