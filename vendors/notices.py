"""What the vendors app tells a vendor's people (market.notices): its registration's outcome,
a suspension and its end."""

from django.utils.translation import gettext_lazy as _

from market.notices import Notice

NOTICES: dict[str, Notice] = {
    "vendor.verified": Notice(
        _("%(name)s is verified"),
        _("%(party)s verified %(name)s: departments can now buy your products."),
        ("name", "party"),
    ),
    "vendor.rejected": Notice(
        _("The registration of %(name)s was not accepted"),
        _("%(party)s did not accept the registration of %(name)s: %(reason)s"),
        ("name", "party", "reason"),
    ),
    "vendor.suspended": Notice(
        _("%(name)s is suspended"),
        _("%(party)s suspended %(name)s; departments cannot buy from you for now: %(reason)s"),
        ("name", "party", "reason"),
    ),
    "vendor.reinstated": Notice(
        _("%(name)s is active again"),
        _("%(party)s lifted the suspension of %(name)s: departments can buy from you again."),
        ("name", "party"),
    ),
}
