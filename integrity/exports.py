"""The console's flags as an export (orders' exports write it: the shell's EXPORT_TABLES)."""

from django.utils.translation import gettext as _

from integrity.forms import FlagFilterForm
from integrity.models import Flag
from integrity.permissions import flag_departments, reads_flags
from integrity.selectors import flag_filter, flags_listed_for
from integrity.words import category_names, rule_label, summary


class FlagsExport:
    @staticmethod
    def may_export(user) -> bool:
        return reads_flags(user)

    @staticmethod
    def table(owner, filters: dict):
        """The header, the rows (an iterator) and their count, of the flags the owner reads
        now, filtered as the console was."""
        chosen = FlagFilterForm(filters, departments=flag_departments(owner)).filters()
        flags = list(flag_filter(flags_listed_for(owner), **chosen))
        header = [
            _("Flag"),
            _("Raised"),
            _("Indicator"),
            _("Rule"),
            _("Department"),
            _("Vendor"),
            _("What was found"),
            _("Status"),
            _("Reviewed"),
        ]
        return header, _rows(flags), len(flags)


def _rows(flags: list[Flag]):
    categories = category_names(flags)
    for flag in flags:
        yield [
            flag.pk,
            flag.raised_at.date(),
            flag.get_indicator_display(),
            rule_label(flag.rule),
            flag.department.code if flag.department_id else "",
            flag.vendor.display_name if flag.vendor_id else "",
            summary(flag, categories),
            flag.get_status_display(),
            flag.reviewed_at.date() if flag.reviewed_at else "",
        ]


FLAGS = FlagsExport()
