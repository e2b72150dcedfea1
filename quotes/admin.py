"""Mini-competitions are written by quotes.services only; the administrator reads them here.
Offers are not a model of their own here: the quote shows them through
quotes.selectors.offers_visible_to, so they stay sealed (with their count) until opening."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from market.admin_mixins import ReadOnlyAdminMixin
from market.money import format_rupiah
from quotes.models import Invitation, Quote
from quotes.selectors import offers_visible_to


class InvitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Invitation
    fields = ["vendor", "invited_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "department", "category", "status", "closes_at", "opened_at"]
    list_filter = ["status"]
    list_select_related = ["department", "category"]
    search_fields = ["number", "title"]
    exclude = ["proposed_offer"]
    readonly_fields = ["offers"]
    inlines = [InvitationInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Quote._meta.fields if field.name != "proposed_offer"] + [
            "offers"
        ]

    @admin.display(description=_("offers"))
    def offers(self, quote):
        if not quote.is_opened:
            return _("Sealed until the offers are opened.")
        return format_html_join(
            "",
            "<p>{}. {} · {} · {}</p>",
            (
                (
                    offer.rank or "—",
                    offer.vendor.display_name,
                    format_rupiah(offer.unit_price),
                    offer.get_status_display(),
                )
                for offer in offers_visible_to(None, quote)
            ),
        ) or _("No offer.")
