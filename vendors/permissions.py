"""Which vendor a login acts for; read once per request and kept on the user object."""

from django.http import Http404

from vendors.models import Vendor, VendorMember


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
