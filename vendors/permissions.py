"""Which vendor a login acts for (read once per request and kept on the user object), and
which of a vendor's private fields a person may read."""

from django.http import Http404
from rest_framework import permissions

from market.permissions import roles_of
from vendors.models import Vendor, VendorMember, VendorTaxProfile


def vendor_of(user) -> Vendor | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_vendor_cache"):
        membership = VendorMember.objects.select_related("vendor").filter(user=user).first()
        user._vendor_cache = membership.vendor if membership else None
    return user._vendor_cache


def own_vendor_or_404(user) -> Vendor:
    """The vendor a page or endpoint under /vendor/ acts on; anyone else gets 404."""
    vendor = vendor_of(user)
    if vendor is None:
        raise Http404
    return vendor


def acts_for(user, vendor: Vendor | int) -> bool:
    own = vendor_of(user)
    vendor_id = vendor if isinstance(vendor, int) else vendor.pk
    return own is not None and own.pk == vendor_id


def reads_documents_of(user, vendor: Vendor | int) -> bool:
    """A vendor's legal documents are its own members' and the administrators' (who read them
    before verifying it); nobody else's to see."""
    return acts_for(user, vendor) or roles_of(user).is_platform_admin


class ActsForAVendor(permissions.BasePermission):
    """The API's /vendor/ routes, a vendor's own: whoever acts for no vendor is told there is
    nothing here (404), as the pages under /vendor/ answer; signed out, 401."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        own_vendor_or_404(request.user)
        return True


# A vendor's private fields, and who reads them. The vendor's own members and the platform's
# administrators (who verify registrations) read them all. Finance officers and inspectors audit
# the quota: they read what shows that a vendor is a registered business of the scale it
# declared (its NIB, a public registration number; the capital and annual sales its scale rests
# on; why its status changed), not how to reach, tax or pay its owner (NPWP, phone, e-mail,
# address, bank account: the treasurer pays from the invoice's own copy of the account).
PRIVATE_FIELDS = (
    "nib",
    "npwp",
    "contact_person",
    "phone",
    "email",
    "address",
    "declared_capital",
    "declared_annual_sales",
    "scale_is_declared",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
    "status_reason",
    "created_at",
)
AUDITOR_FIELDS = frozenset(
    {"nib", "declared_capital", "declared_annual_sales", "scale_is_declared", "status_reason"}
)


def private_fields_for(user, vendor: Vendor | int | str) -> frozenset[str]:
    """The private fields of `vendor` (or the vendor of that id) this person may read (none
    for everyone else)."""
    roles = roles_of(user)
    vendor_id = vendor.pk if isinstance(vendor, Vendor) else int(vendor)
    if roles.is_platform_admin or acts_for(user, vendor_id):
        return frozenset(PRIVATE_FIELDS)
    if roles.is_auditor:
        return AUDITOR_FIELDS
    return frozenset()


def tax_profile_fields_for(user, profile_id: int | str) -> frozenset[str]:
    """The private fields of a tax profile (its NIK) this person may read: those who read the
    vendor's NPWP."""
    vendor_id = VendorTaxProfile.objects.filter(pk=profile_id).values_list("vendor_id", flat=True)
    vendor_id = vendor_id.first()
    if vendor_id is None or "npwp" not in private_fields_for(user, vendor_id):
        return frozenset()
    return frozenset({"nik"})
