"""The integrity console: flags with their evidence, a review, a scan on demand, an export;
and what integrity adds to lower apps' pages (the shell's PAGE_PANELS)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity import services
from integrity.forms import FlagFilterForm, ReviewForm
from integrity.models import Scan
from integrity.permissions import flag_departments, reads_flags, reviews_flags
from integrity.selectors import (
    department_open_flags,
    flag_evidence,
    flag_filter,
    flag_for,
    flags_listed_for,
    latest_scan,
    public_flag_counts,
)
from integrity.words import category_names, rule_label, summary
from market.errors import DomainError
from market.forms import run_form, show_domain_error
from market.panels import Panel
from orders.models import Export
from orders.services.exports import export_request
from procurement.selectors import fiscal_year_current

PAGE_SIZE = 30


def _described(flags) -> list:
    """Each flag with its rule and summary in words (one query for the categories named)."""
    flags = list(flags)
    categories = category_names(flags)
    for flag in flags:
        flag.rule_label = rule_label(flag.rule)
        flag.summary = summary(flag, categories)
    return flags


@login_required
def console(request):
    if not reads_flags(request.user):  # before any input is read
        raise Http404
    form = FlagFilterForm(request.GET or None, departments=flag_departments(request.user))
    filters = form.filters() if form.is_bound else {}
    flags = flag_filter(flags_listed_for(request.user), **filters)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _described(page.object_list)
    fiscal_year = filters.get("fiscal_year") or fiscal_year_current()
    scan = latest_scan(fiscal_year)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "integrity/console.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "scan": scan,
            "scanning": scan is not None and scan.status in services.ACTIVE,
            "fiscal_year": fiscal_year,
            "formats": Export.Format.choices,
        },
    )


@login_required
def flag_detail(request, pk):
    if not reads_flags(request.user):
        raise Http404
    flag = flag_for(request.user, pk)
    if flag is None:
        raise Http404
    may_review = reviews_flags(request.user) and flag.status == "open"
    form = None
    if request.method == "POST":
        if not reviews_flags(request.user):  # before the input is read
            raise PermissionDenied
        form = ReviewForm(request.POST)
        try:
            run_form(
                form,
                lambda values: services.flag_review(
                    flag=flag, by=request.user, outcome=values["outcome"], reason=values["reason"]
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("The flag is reviewed."))
            return redirect("integrity-flag", pk=flag.pk)
    elif may_review:
        form = ReviewForm()
    (flag,) = _described([flag])
    return render(
        request,
        "integrity/flag_detail.html",
        {
            "flag": flag,
            "evidence": flag_evidence(flag),
            "form": form if may_review or (form is not None and form.errors) else None,
        },
    )


@login_required
@require_POST
def scan_start(request):
    if not reads_flags(request.user):
        raise Http404
    fiscal_year = fiscal_year_current()
    if fiscal_year is None:
        messages.error(request, _("No fiscal year is open yet."))
        return redirect("integrity-console")
    try:
        scan = services.scan_request(by=request.user, fiscal_year=fiscal_year)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        if scan.status == Scan.Status.DONE:
            messages.success(request, _("The scan is done."))
        else:
            messages.success(request, _("The scan is running; this page shows its progress."))
    return redirect("integrity-console")


@login_required
@require_POST
def export_flags(request):
    """The console's flags, as filtered, through the exports (written by a task)."""
    if not reads_flags(request.user):
        raise Http404
    form = FlagFilterForm(request.POST, departments=flag_departments(request.user))
    # As typed (a department's code, a year, a vendor's id), those that passed: the export
    # reads them again with the same form when it is written.
    filters = {name: form.data[name] for name in form.filters()}
    try:
        export_request(
            by=request.user,
            kind=Export.Kind.FLAGS,
            file_format=request.POST.get("file_format", ""),
            filters=filters,
        )
    except DomainError as error:
        show_domain_error(request, error)
        return redirect("integrity-console")
    messages.success(request, _("Your export is being written; it appears below."))
    return redirect("export-list")


def transparency_panel(request, fiscal_year) -> Panel | None:
    """The public page's count of flags per department: never what they say."""
    if fiscal_year is None:
        return None
    return Panel(
        "integrity/transparency_panel.html",
        {"rows": public_flag_counts(fiscal_year=fiscal_year), "fiscal_year": fiscal_year},
    )


def department_panel(request, department) -> Panel | None:
    """A department's open flags on its report page, for finance officers and inspectors."""
    if not reads_flags(request.user):
        return None
    flags = _described(department_open_flags(request.user, department)[:10])
    return Panel("integrity/department_panel.html", {"flags": flags, "department": department})
