"""Ratings on pages: the order page's panel (rate, change, answer), the forms it posts to, and
the list of ratings by department and vendor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.errors import DomainError, NotAllowed
from market.forms import (
    failed_form_errors,
    failed_form_keep,
    failed_form_take,
    run_form,
    show_domain_error,
)
from market.panels import Panel
from market.permissions import departments_visible_to
from orders.selectors import orders_visible_to
from ratings import services
from ratings.forms import AnswerForm, RatingFilterForm, RatingForm
from ratings.permissions import (
    change_deadline,
    is_changeable,
    is_rateable,
    may_answer,
    may_change,
    may_rate,
    reads_ratings,
    shows_author,
)
from ratings.selectors import (
    orders_to_rate,
    rating_averages,
    rating_filter,
    rating_of_order,
    ratings_visible_to,
)
from vendors.models import Vendor
from vendors.permissions import vendor_of

PAGE_SIZE = 30


def _page_key(order) -> str:
    return f"rating:{order.pk}"


def _form(form_class, failed, prefix, **initial):
    """The panel's form, again with what was posted when it failed."""
    if failed is not None and failed["prefix"] == prefix:
        return failed_form_errors(form_class(failed["data"], prefix=prefix), failed["errors"])
    return form_class(prefix=prefix, initial=initial or None)


def order_panel(request, order) -> Panel | None:
    """The order page's rating: the form to rate once the goods are all received (a receiver),
    the rating with its answer, the form to change it (its author, within its days) or to
    answer it (the vendor, once)."""
    if not is_rateable(order):  # nothing rated before its goods are all in: not even asked
        return None
    rating = rating_of_order(order)
    user = request.user
    failed = failed_form_take(request, page=_page_key(order))
    context = {"order": order, "rating": rating}
    if rating is None:
        if not may_rate(user, order):
            return None
        context["rate_form"] = _form(RatingForm, failed, "rate")
        return Panel("ratings/order_panel.html", context)
    context["shows_author"] = shows_author(user, rating)
    if may_change(user, rating) and is_changeable(rating):
        context["change_form"] = _form(
            RatingForm,
            failed,
            "change",
            timeliness=rating.timeliness,
            quality=rating.quality,
            fit=rating.fit,
            comment=rating.comment,
        )
        context["change_until"] = change_deadline(rating)
    if may_answer(user, rating) and rating.answered_at is None:
        context["answer_form"] = _form(AnswerForm, failed, "answer")
    return Panel("ratings/order_panel.html", context)


def ratings_panel(request) -> Panel | None:
    """Home page: a receiver's orders waiting for a rating, a vendor's own averages, and the
    way to the list for whoever reads ratings."""
    if not reads_ratings(request.user):
        return None
    return Panel(
        "ratings/home_panel.html",
        {"to_rate": orders_to_rate(request.user), "vendor": vendor_of(request.user)},
    )


def department_panel(request, department) -> Panel | None:
    """A department's report page: the averages of the ratings its receivers gave, and the way
    to them on the list."""
    if not reads_ratings(request.user):
        return None
    ratings = rating_filter(ratings_visible_to(request.user), department=department)
    return Panel(
        "ratings/department_panel.html",
        {"averages": rating_averages(ratings), "department": department},
    )


def _posted(request, order, form, service) -> bool:
    """Run the service with the posted form (True when it did); a refusal comes back on the
    order's page."""
    try:
        run_form(form, service)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        show_domain_error(request, error, form)
        failed_form_keep(request, form, page=_page_key(order))
        return False
    return True


@login_required
@require_POST
def rating_give(request, pk):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    if not may_rate(request.user, order):  # before anything posted is read
        raise PermissionDenied
    form = RatingForm(request.POST, prefix="rate")
    if _posted(
        request,
        order,
        form,
        lambda values: services.rating_give(order=order, by=request.user, **values),
    ):
        messages.success(request, _("Thank you: the vendor has your rating."))
    return redirect("order-detail", pk=order.pk)


def _rating_or_404(request, pk):
    rating = ratings_visible_to(request.user).filter(pk=pk).first()
    if rating is None:
        raise Http404
    return rating


@login_required
@require_POST
def rating_change(request, pk):
    rating = _rating_or_404(request, pk)
    if not may_change(request.user, rating):
        raise PermissionDenied
    form = RatingForm(request.POST, prefix="change")
    if _posted(
        request,
        rating.order,
        form,
        lambda values: services.rating_change(rating=rating, by=request.user, **values),
    ):
        messages.success(request, _("Your rating is changed."))
    return redirect("order-detail", pk=rating.order_id)


@login_required
@require_POST
def rating_answer(request, pk):
    rating = _rating_or_404(request, pk)
    if not may_answer(request.user, rating):
        raise PermissionDenied
    form = AnswerForm(request.POST, prefix="answer")
    if _posted(
        request,
        rating.order,
        form,
        lambda values: services.rating_answer(rating=rating, by=request.user, **values),
    ):
        messages.success(request, _("Your answer is shown with the rating."))
    return redirect("order-detail", pk=rating.order_id)


@login_required
def rating_list(request):
    """Ratings by department and vendor, with their averages: every one for finance officers and
    inspectors, a department's own for its staff, a vendor's own for the vendor."""
    if not reads_ratings(request.user):  # before any input is read
        raise Http404
    visible = ratings_visible_to(request.user)
    form = RatingFilterForm(
        request.GET or None,
        departments=departments_visible_to(request.user).order_by("code"),
        vendors=Vendor.objects.filter(pk__in=visible.values("vendor_id")).order_by("legal_name"),
    )
    ratings = rating_filter(visible, **(form.filters() if form.is_bound else {}))
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    for rating in page.object_list:
        rating.author_shown = shows_author(request.user, rating)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ratings/rating_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "averages": rating_averages(ratings),
        },
    )
