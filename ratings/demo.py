"""Demo ratings: the receiver rates the demo's orders whose goods are all received, and the rice
vendor answers one, so that the catalogue shows a rated vendor beside "new" ones."""

from market.models import DepartmentRole, User
from orders.models import PurchaseOrder
from ratings.models import Rating
from ratings.permissions import RATEABLE
from ratings.services import rating_answer, rating_give

SCORES = ((5, 4, 5, "Tepat waktu, beras bersih."), (4, 5, 4, ""), (5, 5, 4, "Kemasan rapi."))


def seed(context: dict) -> None:
    receiver = User.objects.filter(username="receiver").first()
    if receiver is None or Rating.objects.exists():
        return
    orders = PurchaseOrder.objects.filter(
        status__in=RATEABLE,
        department__memberships__user=receiver,
        department__memberships__role=DepartmentRole.RECEIVER,
    ).order_by("pk")
    for order, (timeliness, quality, fit, comment) in zip(orders, SCORES, strict=False):
        rating = rating_give(
            order=order,
            by=receiver,
            timeliness=timeliness,
            quality=quality,
            fit=fit,
            comment=comment,
        )
        seller = User.objects.filter(vendor_membership__vendor=order.vendor_id).first()
        if comment and seller is not None:
            rating_answer(rating=rating, by=seller, answer="Terima kasih atas kepercayaannya.")
