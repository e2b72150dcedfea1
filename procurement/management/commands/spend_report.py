"""spend_report --fiscal-year 2026 [--department DISDIK] [--by month] [--format csv|xlsx]
[--output FILE]: the compliance of every department (or one), or the spend broken down."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from market.files.tabular import FORMATS, write_table
from market.models import Department
from procurement.reports import (
    GROUPS,
    compliance_by_department,
    compliance_table,
    spend_by,
    spend_table,
)
from procurement.selectors import report_fiscal_year


class Command(BaseCommand):
    help = "Print or write the spend and compliance report of a fiscal year."

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", type=int, help="default: the current one")
        parser.add_argument("--department", help="a department's code; default: all")
        parser.add_argument(
            "--by", choices=list(GROUPS), help="break the spend down instead of the compliance"
        )
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", help="a file; default: standard output (CSV only)")

    def handle(self, *args, fiscal_year, department, by, format, output, **options):
        year = report_fiscal_year(fiscal_year)
        if year is None:
            raise CommandError(_("There is no fiscal year %(year)s.") % {"year": fiscal_year or ""})
        departments = Department.objects.filter(is_active=True)
        if department:
            departments = departments.filter(code__iexact=department)
            if not departments.exists():
                raise CommandError(_("There is no department %(code)s.") % {"code": department})
        if by:
            rows = spend_by(fiscal_year=year, departments=departments, group_by=by)
            header, table = spend_table(rows, by)
        else:
            rows, total = compliance_by_department(fiscal_year=year, departments=departments)
            header, table = compliance_table(rows, None if department else total)
        if output:
            with open(output, "wb") as out:
                count = write_table(out, file_format=format, header=header, rows=table)
            self.stderr.write(
                _("%(count)s rows written to %(file)s.") % {"count": count, "file": output}
            )
        elif format == "csv":
            write_table(sys.stdout.buffer, file_format="csv", header=header, rows=table)
        else:
            raise CommandError(_("An Excel report needs --output FILE."))
