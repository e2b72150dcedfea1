"""Reads of the market app."""

from django.db.models import Count, Prefetch, Q, QuerySet

from market.models import District, Village


def district_list() -> QuerySet[District]:
    return (
        District.objects.annotate(
            village_count=Count("villages"),
            priority_village_count=Count("villages", filter=Q(villages__is_priority=True)),
        )
        .prefetch_related(Prefetch("villages", queryset=Village.objects.order_by("name")))
        .order_by("name")
    )
