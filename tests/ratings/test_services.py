"""Rating a vendor after the final BAST: who, when, once, within its days; the vendor's answer;
the vendor's rollup always equal to a recomputation from the ratings."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from market.errors import Conflict, InvalidInput, NotAllowed
from market.models import AuditEvent, DepartmentRole, Notification
from orders.services import transitions
from ratings.models import Rating
from ratings.services import rating_answer, rating_change
from tests.factories import DepartmentFactory, finance_officer, member
from tests.ratings.conftest import delivered, rate
from vendors.models import Vendor


def assert_rollup_matches(vendor_id):
    vendor = Vendor.objects.get(pk=vendor_id)
    totals = Rating.objects.filter(vendor_id=vendor_id).aggregate(
        count=Count("pk"), timeliness=Sum("timeliness"), quality=Sum("quality"), fit=Sum("fit")
    )
    assert (
        vendor.rating_count,
        vendor.rating_timeliness_total,
        vendor.rating_quality_total,
        vendor.rating_fit_total,
    ) == (
        totals["count"],
        totals["timeliness"] or 0,
        totals["quality"] or 0,
        totals["fit"] or 0,
    )
    return vendor


def test_a_receiver_rates_the_vendor_of_a_received_order(world, received):
    rating = rate(world, received, (5, 4, 3), comment="Tepat waktu")
    assert (rating.department, rating.vendor, rating.author) == (
        world.department,
        world.rice.vendor,
        world.receiver,
    )
    vendor = assert_rollup_matches(world.rice.vendor.pk)
    assert vendor.rating_count == 1
    event = AuditEvent.objects.get(action="rating.give")
    assert event.object_id == str(rating.pk) and event.after["timeliness"] == 5
    told = Notification.objects.get(kind="rating.given")
    assert told.recipient == world.rice_seller
    assert told.params["party"] == "Dinas Pendidikan"
    assert world.receiver.display_name not in str(told.params)


def test_an_order_is_rated_once(world, received):
    rate(world, received)
    other_receiver = member(DepartmentRole.RECEIVER, world.department)
    with pytest.raises(Conflict):
        rate(world, received, by=other_receiver)
    assert Rating.objects.count() == 1
    assert_rollup_matches(world.rice.vendor.pk)


def test_every_wrong_field_is_named_at_once(world, received):
    with pytest.raises(InvalidInput) as refused:
        rate(world, received, (0, 6, "4"), comment="x" * 1001)
    assert set(refused.value.fields) == {"timeliness", "quality", "fit", "comment"}
    assert not Rating.objects.exists()


@pytest.mark.parametrize("stage", ["shipped", "partially_received"])
def test_an_order_is_rated_only_after_the_final_bast(world, stage):
    order = delivered(world, receive=False)
    if stage == "partially_received":
        transitions.order_receive(
            order=order,
            by=world.receiver,
            quantities={order.lines.get().pk: "20"},
            received_on=timezone.localdate(),
            signed_by_name="Siti",
        )
    with pytest.raises(Conflict) as refused:
        rate(world, order)
    assert refused.value.code == "not_received"


def test_only_a_receiver_of_the_orders_department_rates(world, received):
    other = DepartmentFactory(code="DINKES")
    for person in (
        world.requester,
        world.approver,
        world.treasurer,
        member(DepartmentRole.RECEIVER, other),
        world.rice_seller,
        finance_officer(),
    ):
        with pytest.raises(NotAllowed):
            rate(world, received, by=person)
    assert not Rating.objects.exists()


def test_its_author_changes_a_rating_within_its_days(world, received, settings):
    rating = rate(world, received, (2, 2, 2))
    rating = rating_change(
        rating=rating, by=world.receiver, timeliness=4, quality=5, fit=3, comment="Sudah baik"
    )
    assert (rating.timeliness, rating.quality, rating.fit) == (4, 5, 3)
    vendor = assert_rollup_matches(world.rice.vendor.pk)
    assert vendor.rating_count == 1 and vendor.rating_quality_total == 5
    event = AuditEvent.objects.get(action="rating.change")
    assert event.before["quality"] == 2 and event.after["quality"] == 5
    assert Notification.objects.filter(kind="rating.changed").count() == 1
    # Another receiver of the department does not change it in the author's name.
    with pytest.raises(NotAllowed):
        rating_change(
            rating=rating,
            by=member(DepartmentRole.RECEIVER, world.department),
            timeliness=1,
            quality=1,
            fit=1,
        )
    # After RATING_EDIT_DAYS it stays.
    settings.RATING_EDIT_DAYS = 14
    Rating.objects.filter(pk=rating.pk).update(
        created_at=rating.created_at - datetime.timedelta(days=14, minutes=1)
    )
    rating.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        rating_change(rating=rating, by=world.receiver, timeliness=1, quality=1, fit=1)
    assert refused.value.code == "too_late"
    rating.refresh_from_db()
    assert rating.timeliness == 4


def test_the_vendor_answers_once_and_the_rating_then_stays(world, received):
    rating = rate(world, received)
    with pytest.raises(NotAllowed):
        rating_answer(rating=rating, by=world.besek_seller, answer="Bukan kami")
    with pytest.raises(InvalidInput) as refused:
        rating_answer(rating=rating, by=world.rice_seller, answer="y" * 1001)
    assert set(refused.value.fields) == {"answer"}
    rating = rating_answer(rating=rating, by=world.rice_seller, answer="Terima kasih")
    assert rating.answered_by == world.rice_seller and rating.answered_at is not None
    assert Notification.objects.get(kind="rating.answered").recipient == world.receiver
    assert AuditEvent.objects.filter(action="rating.answer").count() == 1
    with pytest.raises(Conflict):
        rating_answer(rating=rating, by=world.rice_seller, answer="Sekali lagi")
    with pytest.raises(Conflict):
        rating_change(rating=rating, by=world.receiver, timeliness=1, quality=1, fit=1)
    rating.refresh_from_db()
    assert rating.answer == "Terima kasih"


def test_a_vendor_is_new_below_three_ratings_then_shows_averages(world, settings):
    settings.RATING_NEW_BELOW = 3
    vendor = world.rice.vendor
    scores = [(5, 4, 3), (4, 4, 4), (3, 5, 5)]
    for index, score in enumerate(scores):
        rate(world, delivered(world), score)
        vendor.refresh_from_db()
        summary = vendor.rating
        if index < 2:
            assert summary.is_new and summary.overall is None and summary.count == index + 1
    assert not summary.is_new and summary.count == 3
    averages = (summary.timeliness, summary.quality, summary.fit)
    assert [str(average) for average in averages] == ["4.0", "4.3", "4.0"]
    assert str(summary.overall) == "4.1"  # 37 / 9
    assert_rollup_matches(vendor.pk)


def test_the_recompute_command_mends_a_rollup_from_the_ratings(world, received):
    rate(world, received, (5, 5, 5))
    Vendor.objects.filter(pk=world.rice.vendor.pk).update(rating_count=7, rating_fit_total=1)
    call_command("ratings_recompute")
    assert_rollup_matches(world.rice.vendor.pk)
    assert AuditEvent.objects.filter(action="rating.recompute").count() == 1
    call_command("ratings_recompute")  # nothing to mend now
    assert AuditEvent.objects.filter(action="rating.recompute").count() == 1
