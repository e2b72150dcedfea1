"""Flags and scans are written by integrity.services only (a review is an inspector's, on the
console); the administrator reads them here."""

from django.contrib import admin

from integrity.models import Flag, Scan
from market.admin_mixins import ReadOnlyAdminMixin


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "indicator", "rule", "department", "vendor", "status", "raised_at"]
    list_filter = ["indicator", "status", "fiscal_year"]
    list_select_related = ["department", "vendor"]
    exclude = ["vendors"]


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "fiscal_year", "status", "raised", "extended", "created_at"]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["fiscal_year"]
