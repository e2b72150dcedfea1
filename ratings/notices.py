"""What the ratings app tells people (market.notices): a vendor that it was rated (or that a
rating changed), a rating's author that the vendor answered."""

from django.utils.translation import gettext_lazy as _

from market.notices import Notice

SCORES = ("number", "party", "timeliness", "quality", "fit")

NOTICES: dict[str, Notice] = {
    "rating.given": Notice(
        _("%(party)s rated order %(number)s"),
        _(
            "%(party)s rated your delivery of order %(number)s (of 5): timeliness %(timeliness)s, "
            "quality %(quality)s, fit to the order %(fit)s. You may answer it once, on the "
            "order's page."
        ),
        SCORES,
    ),
    "rating.changed": Notice(
        _("%(party)s changed the rating of order %(number)s"),
        _(
            "%(party)s changed its rating of your delivery of order %(number)s (of 5): "
            "timeliness %(timeliness)s, quality %(quality)s, fit to the order %(fit)s."
        ),
        SCORES,
    ),
    "rating.answered": Notice(
        _("%(party)s answered your rating of order %(number)s"),
        _("%(party)s answered your rating of order %(number)s; read it on the order's page."),
        ("number", "party"),
    ),
}
