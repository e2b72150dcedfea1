"""Pages for budgets: the budget list and the home page's budget panel."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from market.errors import DomainError
from market.forms import run_form, show_domain_error
from market.home import Panel
from market.models import Department
from market.permissions import roles_of
from market.transactions import action_scope
from procurement.forms import PolicyForm
from procurement.models import FiscalYear
from procurement.selectors import (
    budget_lines_visible_to,
    department_budget_summaries,
    fiscal_year_current,
    policies,
)
from procurement.services import department_target_set, policy_update


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


@login_required
def policy_list(request):
    """The policy of every fiscal year, each value with the regulation it comes from."""
    return render(
        request,
        "procurement/policy_list.html",
        {"policies": policies(), "can_edit": roles_of(request.user).is_platform_admin},
    )


@login_required
def policy_edit(request, year):
    """Administrators change a fiscal year's policy and departments' own targets."""
    if not roles_of(request.user).is_platform_admin:
        raise Http404
    policy = get_object_or_404(policies(), fiscal_year__year=year)
    departments = Department.objects.filter(is_active=True).order_by("code")
    targets = {
        target.department.code: target.small_business_target
        for target in policy.fiscal_year.department_targets.all()
    }
    form = PolicyForm(request.POST or None, policy=policy, departments=departments, targets=targets)
    if form.is_bound:
        try:
            run_form(form, lambda values: _save_policy(request, policy, departments, form, values))
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Policy %(year)s saved.") % {"year": year})
            return redirect("policy-list")
    return render(request, "procurement/policy_edit.html", {"policy": policy, "form": form})


def _save_policy(request, policy, departments, form, values) -> None:
    by_code = {department.code: department for department in departments}
    with action_scope():  # the policy and the targets change together
        policy_update(fiscal_year=policy.fiscal_year, by=request.user, **form.policy_values(values))
        for code, target in form.targets(values).items():
            department_target_set(
                fiscal_year=policy.fiscal_year,
                department=by_code[code],
                target=target,
                by=request.user,
            )
