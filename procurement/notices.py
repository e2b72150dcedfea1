"""What the reports tell departments and finance officers (market.notices); their e-mail adds
the figures and the Excel file (procurement.mail)."""

from django.utils.translation import gettext_lazy as _

from market.notices import Notice

NOTICES: dict[str, Notice] = {
    # The reports (procurement.mail): the e-mail adds the figures and the Excel file.
    "report.monthly": Notice(
        _("%(code)s: small-business spending, %(month)s"),
        _(
            "How %(code)s stood against its small-business target at the end of %(month)s: "
            "the report has every figure."
        ),
        ("code", "month"),
    ),
    "report.monthly_all": Notice(
        _("Small-business spending of every department, %(month)s"),
        _(
            "How each department stood against its small-business target at the end of "
            "%(month)s: the report has every figure."
        ),
        ("month",),
    ),
    "report.behind_pace": Notice(
        _("%(code)s is behind its small-business target"),
        _(
            "On %(date)s %(code)s was behind the pace its small-business target asks for: "
            "the report shows where it stands."
        ),
        ("code", "date"),
    ),
}
