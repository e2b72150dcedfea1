"""Pages for budgets: the budget list and the home page's budget panel."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from market.home import Panel
from market.permissions import roles_of
from procurement.models import FiscalYear
from procurement.selectors import (
    budget_lines_visible_to,
    department_budget_summaries,
    fiscal_year_current,
)


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Fiscal year"), required=False, min_value=2000, max_value=2100
    )


@login_required
def budget_list(request):
    if not roles_of(request.user).reads_departments:
        raise Http404
    years = FiscalYear.objects.order_by("-year")
    chosen = YearForm(request.GET)
    fiscal_year = None
    if chosen.is_valid() and chosen.cleaned_data["year"]:
        fiscal_year = years.filter(year=chosen.cleaned_data["year"]).first()
        if fiscal_year is None:
            chosen.add_error("year", _("There is no fiscal year %(year)s.") % chosen.cleaned_data)
    for problem in chosen.errors.get("year", []):
        messages.error(request, f"{chosen.fields['year'].label}: {problem}")
    fiscal_year = fiscal_year or fiscal_year_current()
    lines = budget_lines_visible_to(request.user, fiscal_year=fiscal_year).order_by(
        "department__code", "account_code"
    )
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/budget_list.html",
        {"page": page, "fiscal_year": fiscal_year, "years": years},
    )


def budget_panel(request) -> Panel | None:
    """Budget position of the person's departments (all of them for finance and admins)."""
    roles = roles_of(request.user)
    if not (roles.sees_all_departments or roles.department_roles):
        return None
    fiscal_year = fiscal_year_current()
    if fiscal_year is None:
        return None
    summaries = department_budget_summaries(request.user, fiscal_year=fiscal_year)
    return Panel(
        "procurement/budget_panel.html", {"fiscal_year": fiscal_year, "departments": summaries}
    )
