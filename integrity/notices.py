"""What the integrity app tells inspectors (market.notices)."""

from django.utils.translation import gettext_lazy as _

from market.notices import Notice

NOTICES: dict[str, Notice] = {
    "integrity.flags_found": Notice(
        _("Integrity scan %(year)s: %(raised)s new red flags"),
        _(
            "The scan of %(year)s raised %(raised)s red flags and added new evidence to "
            "%(extended)s open ones. Each is a reason to look, not an accusation."
        ),
        ("year", "raised", "extended"),
    ),
}
