"""Ratings are written by ratings.services only (a receiver's, and the vendor's answer, on the
order's page or the API); the administrator reads them here."""

from django.contrib import admin

from market.admin_mixins import ReadOnlyAdminMixin
from ratings.models import Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "order", "department", "vendor", "timeliness", "quality", "fit"]
    list_filter = ["department"]
    list_select_related = ["order", "department", "vendor"]
    raw_id_fields = ["order", "vendor", "author", "answered_by"]
