"""Pages for budgets: the budget list and the home page's budget panel."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from market.errors import DomainError
from market.forms import run_form, show_domain_error
from market.models import Department
from market.panels import Panel, panels_of
from market.permissions import departments_visible_to, roles_of
from market.services.audit_checkpoints import audit_checkpoints
from procurement.charts import bar_chart, share_chart
from procurement.evaluation import percent
from procurement.forms import PolicyForm
from procurement.models import FiscalYear
from procurement.reports import (
    compliance_by_department,
    monthly_positions,
    public_figures_cached,
    spend_by,
)
from procurement.selectors import (
    budget_lines_visible_to,
    department_budget_summaries,
    department_targets_of,
    fiscal_year_current,
    policies,
    report_departments,
    report_fiscal_year,
)
from procurement.services import policy_and_targets_update


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
    """Administrators change a fiscal year's policy and departments' own targets (everyone
    reads it at /policies/: to them this page answers 403)."""
    if not roles_of(request.user).is_platform_admin:
        raise PermissionDenied(_("Only a platform administrator changes the policy."))
    policy = get_object_or_404(policies(), fiscal_year__year=year)
    departments = Department.objects.filter(is_active=True).order_by("code")
    form = PolicyForm(
        request.POST or None,
        policy=policy,
        departments=departments,
        targets=department_targets_of(policy),
    )
    if form.is_bound:
        try:
            run_form(form, lambda values: _save_policy(request, policy, form, values))
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Policy %(year)s saved.") % {"year": year})
            return redirect("policy-list")
    return render(request, "procurement/policy_edit.html", {"policy": policy, "form": form})


def _save_policy(request, policy, form, values) -> None:
    policy_and_targets_update(
        fiscal_year=policy.fiscal_year,
        by=request.user,
        changes=form.policy_values(values),
        targets=form.targets(values),
    )


def _report_year(request):
    chosen = YearForm(request.GET)
    year = chosen.cleaned_data["year"] if chosen.is_valid() else None
    return report_fiscal_year(year)


@login_required
def report_dashboard(request):
    """Compliance of every department one may read (finance: all), with the organisation's
    share over the months and where the money went."""
    roles = roles_of(request.user)
    if not roles.reads_departments:
        raise Http404
    fiscal_year = _report_year(request)
    departments = report_departments(request.user)
    context = {"fiscal_year": fiscal_year, "years": FiscalYear.objects.order_by("-year")}
    if fiscal_year is not None:
        rows, total = compliance_by_department(fiscal_year=fiscal_year, departments=departments)
        context.update(
            rows=rows,
            total=total if roles.sees_all_departments else None,
            # A department's own target when the page is about one department only.
            **_charts(fiscal_year, departments, rows[0].target if len(rows) == 1 else total.target),
        )
    return render(request, "procurement/report_dashboard.html", context)


@login_required
def report_department(request, code):
    """One department's position, share over the months and spending."""
    if not roles_of(request.user).reads_departments:
        raise Http404
    department = get_object_or_404(departments_visible_to(request.user), code__iexact=code[:20])
    fiscal_year = _report_year(request)
    if fiscal_year is None:
        raise Http404
    departments = Department.objects.filter(pk=department.pk)
    rows, _total = compliance_by_department(fiscal_year=fiscal_year, departments=departments)
    return render(
        request,
        "procurement/report_department.html",
        {
            "fiscal_year": fiscal_year,
            "department": department,
            "panels": panels_of("report-department", request, department),
            "row": rows[0],
            "rows": rows,
            **_charts(fiscal_year, departments, rows[0].target),
        },
    )


def _charts(fiscal_year, departments, target) -> dict:
    months = monthly_positions(fiscal_year=fiscal_year, departments=departments)
    by_category = spend_by(fiscal_year=fiscal_year, departments=departments, group_by="category")
    by_district = spend_by(fiscal_year=fiscal_year, departments=departments, group_by="district")
    return {
        "share_chart": share_chart(
            [
                (date_format(month.month, "M"), percent(month.small_business, month.allocated))
                for month in months
            ],
            target=target,
        ),
        "category_chart": bar_chart([(row["label"], row["spent"]) for row in by_category]),
        "district_chart": bar_chart([(row["label"], row["spent"]) for row in by_district]),
    }


def transparency(request):
    """Public, no login: each department's spending with small local business against the
    target, vendors paid by district, where to get the open data, and the audit trail's
    latest signed checkpoints."""
    fiscal_year = _report_year(request)
    context = {
        "fiscal_year": fiscal_year,
        "years": FiscalYear.objects.order_by("-year"),
        "checkpoints": audit_checkpoints(),
        "panels": panels_of("transparency", request, fiscal_year),
    }
    if fiscal_year is not None:
        figures = public_figures_cached(fiscal_year=fiscal_year)
        context.update(
            figures=figures,
            goal_share=settings.PAYMENT_GOAL_SHARE,
            share_chart=bar_chart(
                [(row["code"], row["small_business"]) for row in figures.departments]
            ),
        )
    return render(request, "procurement/transparency.html", context)
