"""Mini-competition pages: the department's list, a new quote, a quote with its steps (the
ranked offers once opened, the PPK's approval with the quota preview); the vendor's
invitations with the offer form; and the transparency page's panel (the shell's PAGE_PANELS).
Offers are read only through quotes.selectors.offers_visible_to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.errors import DomainError
from market.forms import run_form, show_domain_error
from market.models import DepartmentRole
from market.panels import Panel
from market.permissions import departments_where, has_department_role
from procurement.evaluation import counts_as_small, quota_position
from procurement.selectors import fiscal_year_current
from quotes import services
from quotes.forms import ExtendForm, OfferForm, ProposeForm, QuoteForm, ReasonForm
from quotes.models import STEPS, QuoteStatus
from quotes.selectors import (
    invitations_of,
    offer_products_of,
    offers_visible_to,
    own_offer,
    public_quotes,
    quote_invitations_of,
    quotes_visible_to,
)
from vendors.permissions import own_vendor_or_404

PAGE_SIZE = 30


@login_required
def quote_list(request):
    quotes = quotes_visible_to(request.user).order_by("-created_at", "-pk")
    status = request.GET.get("status")
    if status in QuoteStatus.values:
        quotes = quotes.filter(status=status)
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quotes/quote_list.html",
        {
            "page": page,
            "statuses": QuoteStatus.choices,
            "status": status,
            "can_create": departments_where(request.user, DepartmentRole.REQUESTER).exists(),
        },
    )


@login_required
def quote_new(request):
    departments = departments_where(request.user, DepartmentRole.REQUESTER).order_by("code")
    department = departments.filter(code=request.GET.get("department")).first() or (
        departments.first()
    )
    if department is None:  # not a requester anywhere: nothing here (as the cart)
        raise Http404
    form = QuoteForm(request.POST or None, department=department, requester=request.user)
    if request.method == "POST":
        try:
            quote = run_form(
                form,
                lambda values: services.quote_publish(
                    by=request.user, department=department, **values
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request,
                _("Mini-competition %(number)s is published; %(count)s vendors are invited.")
                % {"number": quote.number, "count": quote.invitations.count()},
            )
            return redirect("quote-detail", pk=quote.pk)
    return render(
        request,
        "quotes/quote_new.html",
        {"form": form, "department": department, "departments": departments},
    )


def _may(user, quote, step: str) -> bool:
    """Whether this person may take `step` now (a page never shows a button one cannot use)."""
    if quote.status not in STEPS[step]:
        return False
    if step in ("award", "sending_back"):
        return user.pk == quote.approver_id
    if step == "extension" and quote.extended:
        return False
    return has_department_role(user, quote.department_id, DepartmentRole.REQUESTER)


@login_required
def quote_detail(request, pk):
    quote = get_object_or_404(
        quotes_visible_to(request.user).select_related(
            "budget_line__fiscal_year", "requester", "approver", "order", "proposed_offer__vendor"
        ),
        pk=pk,
    )
    offers = list(offers_visible_to(request.user, quote)) if quote.is_opened else None
    may = {
        step: _may(request.user, quote, step)
        for step in STEPS
        if step not in ("offering", "closing")
    }
    quota = None
    proposed = quote.proposed_offer
    if may["award"] and proposed is not None:
        total = round(proposed.unit_price * quote.quantity)
        quota = quota_position(
            department=quote.department,
            fiscal_year=quote.budget_line.fiscal_year,
            adding=total if counts_as_small(proposed.vendor) else 0,
        )
    return render(
        request,
        "quotes/quote_detail.html",
        {
            "quote": quote,
            "offers": offers,
            "invitations": invitations_of(quote),
            "may": may,
            "quota": quota,
            "extend_form": ExtendForm() if may["extension"] else None,
            "reason_form": ReasonForm(),
            "propose_form": ProposeForm() if may["proposal"] else None,
        },
    )


# The page's actions by the slug of their URL: (their form, the step).
ACTIONS = dict(
    [
        ("extend", (ExtendForm, "extension")),
        ("cancel", (ReasonForm, "cancellation")),
        ("propose", (ProposeForm, "proposal")),
        ("send-back", (ReasonForm, "sending_back")),
        ("approve", (None, "award")),
    ]
)


def _run(step: str, request, quote, values: dict):
    by = request.user
    if step == "extension":
        return services.quote_extend(by=by, quote=quote, closes_at=values["closes_at"])
    if step == "cancellation":
        return services.quote_cancel(by=by, quote=quote, reason=values["reason"])
    if step == "proposal":
        return services.quote_propose(
            by=by, quote=quote, offer_id=values["offer"], reason=values.get("reason") or ""
        )
    if step == "sending_back":
        return services.quote_send_back(by=by, quote=quote, reason=values["reason"])
    return services.quote_award(by=by, quote=quote)


@login_required
@require_POST
def quote_action(request, pk, action):
    quote = get_object_or_404(quotes_visible_to(request.user), pk=pk)
    if action not in ACTIONS:
        raise Http404
    form_class, step = ACTIONS[action]
    if step in ("award", "sending_back"):
        allowed = request.user.pk == quote.approver_id
    else:
        allowed = has_department_role(request.user, quote.department_id, DepartmentRole.REQUESTER)
    if not allowed:  # before the input is read
        raise PermissionDenied
    form = form_class(request.POST) if form_class else None
    try:
        if form is None:
            _run(step, request, quote, {})
        else:
            run_form(form, lambda values: _run(step, request, quote, values))
    except DomainError as error:
        show_domain_error(request, error)
        if form is not None:
            for problems in form.errors.values():
                for problem in problems:
                    messages.error(request, problem)
    else:
        messages.success(request, _("Done."))
    return redirect("quote-detail", pk=quote.pk)


# --- The vendor's side -------------------------------------------------------------------


@login_required
def vendor_quotes(request):
    vendor = own_vendor_or_404(request.user)
    page = Paginator(quote_invitations_of(vendor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quotes/vendor_quotes.html", {"page": page})


@login_required
def vendor_quote(request, pk):
    vendor = own_vendor_or_404(request.user)
    quote = get_object_or_404(quote_invitations_of(vendor), pk=pk)
    offer = own_offer(request.user, quote)
    products = offer_products_of(vendor, quote)
    open_now = quote.status == QuoteStatus.OPEN
    initial = {}
    if offer is not None:
        initial = {
            "product": offer.product_id,
            "unit_price": offer.unit_price,
            "delivery_date": offer.delivery_date,
            "note": offer.note,
        }
    form = OfferForm(
        request.POST or None, initial=initial, vendor=vendor, quote=quote, products=products
    )
    if request.method == "POST":
        try:
            run_form(
                form,
                lambda values: services.offer_submit(by=request.user, quote=quote, **values),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(
                request, _("Your sealed offer is saved; you may revise it until closing.")
            )
            return redirect("vendor-quote", pk=quote.pk)
    return render(
        request,
        "quotes/vendor_quote.html",
        {"quote": quote, "offer": offer, "form": form if open_now else None},
    )


@login_required
@require_POST
def vendor_quote_withdraw(request, pk):
    vendor = own_vendor_or_404(request.user)
    quote = get_object_or_404(quote_invitations_of(vendor), pk=pk)
    try:
        services.offer_withdraw(by=request.user, quote=quote)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Your offer is withdrawn."))
    return redirect("vendor-quote", pk=quote.pk)


def transparency_panel(request, fiscal_year) -> Panel | None:
    """The public page's opened mini-competitions: invited vendors, offers and the award."""
    if fiscal_year is None:
        fiscal_year = fiscal_year_current()
    if fiscal_year is None:
        return None
    return Panel(
        "quotes/transparency_panel.html",
        {"quotes": list(public_quotes(fiscal_year)[:20]), "fiscal_year": fiscal_year},
    )
