"""Pages of the vendor registry: registration, the vendor's own page, verification, statistics."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.errors import DomainError
from market.forms import run_form, show_domain_error
from market.panels import Panel
from market.permissions import roles_of
from vendors import services, tax_profile
from vendors.files import document_response
from vendors.forms import (
    DocumentForm,
    MemberForm,
    ProfileForm,
    ReasonForm,
    RegistrationForm,
    TaxProfileForm,
)
from vendors.matching import SHARED_LABELS, vendors_sharing
from vendors.models import Scale, Vendor, VendorRole, VendorStatus
from vendors.permissions import own_vendor_or_404, private_fields_for, vendor_of
from vendors.selectors import (
    documents_missing,
    vendor_documents_missing,
    vendor_statistics,
    vendors_visible_to,
)


def register(request):
    form = RegistrationForm(request.POST or None)
    if form.is_bound and request.user.is_authenticated:  # the page offers no form to them
        return redirect("vendor-register")
    if form.is_bound:
        try:
            vendor = run_form(form, lambda values: services.vendor_register(**values))
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            user = vendor.members.get().user
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Registration received. Your username for signing in is %(username)s: "
                    "write it down. An administrator will verify your business; meanwhile "
                    "upload your NIB and NPWP documents."
                )
                % {"username": user.username},
            )
            return redirect("vendor-home")
    return render(request, "vendors/register.html", {"form": form})


@login_required
def vendor_home(request):
    vendor = own_vendor_or_404(request.user)
    document_form = DocumentForm(prefix="document")
    member_form = MemberForm(prefix="member")
    if request.method == "POST" and "document-kind" in request.POST:
        document_form = DocumentForm(request.POST, request.FILES, prefix="document")
        if document_form.is_valid():
            try:
                services.vendor_document_add(
                    vendor=vendor,
                    kind=document_form.cleaned_data["kind"],
                    upload=document_form.cleaned_data["file"],
                    by=request.user,
                )
            except DomainError as error:
                show_domain_error(request, error, document_form)
            else:
                messages.success(request, _("Document uploaded."))
                return redirect("vendor-home")
    elif request.method == "POST":
        if not services.may_add_members(vendor, request.user):  # before reading the input
            raise PermissionDenied(services.OWNER_ADDS_MEMBERS)
        member_form = MemberForm(request.POST, prefix="member")
        try:
            run_form(
                member_form,
                lambda values: services.vendor_member_add(vendor=vendor, by=request.user, **values),
            )
        except DomainError as error:
            show_domain_error(request, error, member_form)
        else:
            messages.success(request, _("Member added."))
            return redirect("vendor-home")
    context = {
        "vendor": vendor,
        "documents": vendor.documents.all(),
        "members": vendor.members.select_related("user"),
        "is_owner": vendor.members.filter(user=request.user, role=VendorRole.OWNER).exists(),
        "document_form": document_form,
        "member_form": member_form,
    }
    return render(request, "vendors/vendor_home.html", context)


@login_required
def vendor_profile(request):
    """The vendor keeps its contact details, village and bank account up to date (audited)."""
    vendor = own_vendor_or_404(request.user)
    form = ProfileForm(
        request.POST or None, initial=ProfileForm.initial_of(vendor), vendor=vendor, by=request.user
    )
    if form.is_bound:
        try:
            run_form(
                form,
                lambda values: services.vendor_update(vendor=vendor, by=request.user, **values),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("vendor-home")
    return render(request, "vendors/profile.html", {"vendor": vendor, "form": form})


@login_required
def vendor_tax_profile(request):
    """The owner declares what the taxes on its sales depend on; members read it."""
    vendor = own_vendor_or_404(request.user)
    profile = tax_profile.tax_profile_of(vendor)
    may_keep = tax_profile.may_keep_tax_profile(vendor, request.user)
    if request.method == "POST" and not may_keep:  # before reading the input
        raise PermissionDenied(tax_profile.OWNER_KEEPS_TAXES)
    form = TaxProfileForm(request.POST or None, initial=TaxProfileForm.initial_of(profile))
    if form.is_bound:
        try:
            run_form(
                form,
                lambda values: tax_profile.vendor_tax_profile_update(
                    vendor=vendor, by=request.user, **values
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Tax profile saved; an administrator will check it."))
            return redirect("vendor-tax-profile")
    context = {
        "vendor": vendor,
        "profile": profile,
        "form": form,
        "may_keep": may_keep,
        "documents_wanted": services.document_names(tax_profile.documents_wanted(profile)),
    }
    return render(request, "vendors/tax_profile.html", context)


@login_required
@require_POST
def vendor_tax_profile_check(request, pk):
    """An administrator marks the profile checked, from the vendor's page."""
    if not roles_of(request.user).is_platform_admin:  # before anything is read
        raise PermissionDenied(_("Only an administrator checks a tax profile."))
    vendor = get_object_or_404(Vendor, pk=pk)
    try:
        tax_profile.vendor_tax_profile_check(vendor=vendor, by=request.user)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Tax profile checked."))
    return redirect("vendor-detail", pk=pk)


@login_required
def document_download(request, pk):
    return document_response(user=request.user, pk=pk)


@login_required
def vendor_directory(request):
    vendors = vendors_visible_to(request.user).filter(status=VendorStatus.VERIFIED)
    page = Paginator(vendors.order_by("legal_name", "id"), 30).get_page(request.GET.get("page"))
    return render(request, "vendors/directory.html", {"page": page})


@login_required
def vendor_detail(request, pk):
    vendor = get_object_or_404(vendors_visible_to(request.user), pk=pk)
    is_admin = roles_of(request.user).is_platform_admin
    context = {
        "vendor": vendor,
        "is_admin": is_admin,
        "private_fields": private_fields_for(request.user, vendor),
        "documents": vendor.documents.all() if is_admin else [],
        # What verification still lacks: the page asks for the reason to verify without it.
        "documents_missing": services.document_names(vendor_documents_missing(vendor))
        if is_admin
        else "",
        "actions": services.allowed_actions(vendor) if is_admin else [],
        "tax_profile": tax_profile.tax_profile_of(vendor) if is_admin else None,
        "reason_form": ReasonForm(),
        "products": vendor.products.filter(is_active=True).select_related("category")[:50]
        if vendor.status == VendorStatus.VERIFIED
        else [],
    }
    return render(request, "vendors/vendor_detail.html", context)


@login_required
def vendor_review(request):
    """The administrator's queue: applications first, then every vendor by status."""
    if not roles_of(request.user).is_platform_admin:
        raise Http404
    status = request.GET.get("status") or VendorStatus.APPLIED
    vendors = Vendor.objects.filter(status=status).select_related("village__district")
    page = Paginator(vendors.order_by("created_at", "id"), 30).get_page(request.GET.get("page"))
    missing = documents_missing(page.object_list)
    # One owner behind several vendors shows here first: the others sharing an account, a
    # phone, an e-mail address or an address, beside each application.
    sharing = vendors_sharing(page.object_list)
    for vendor in page.object_list:
        vendor.documents_missing = services.document_names(missing[vendor.pk])
        vendor.sharing = [
            (other, [SHARED_LABELS[field] for field in fields])
            for other, fields in sharing[vendor.pk]
        ]
    return render(
        request,
        "vendors/review.html",
        {"page": page, "status": status, "statuses": VendorStatus.choices},
    )


@login_required
@require_POST
def vendor_action(request, pk, action):
    if action not in services.TRANSITIONS:
        raise Http404
    vendor = get_object_or_404(Vendor, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        services.vendor_transition(vendor=vendor, action=action, by=request.user, reason=reason)
    except DomainError as error:
        show_domain_error(request, error)
    else:
        messages.success(request, _("Vendor status updated."))
    return redirect("vendor-detail", pk=pk)


def vendor_statistics_page(request):
    rows = [{**row, "scale_label": Scale(row["scale"]).label} for row in vendor_statistics()]
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("vendors", "cooperatives", "women_led", "priority_area")
    }
    return render(request, "vendors/statistics.html", {"rows": rows, "totals": totals})


def vendor_panel(request) -> Panel | None:
    """A vendor member's home panel: the business's status and what to do next."""
    vendor = vendor_of(request.user)
    if vendor is None:
        return None
    missing = vendor_documents_missing(vendor) if vendor.status == VendorStatus.APPLIED else []
    return Panel(
        "vendors/vendor_panel.html",
        {"vendor": vendor, "documents_missing": services.document_names(missing)},
    )
