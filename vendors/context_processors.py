"""`current_vendor` in every template: the vendor the signed-in person acts for, if any."""

from vendors.permissions import vendor_of


def current_vendor(request):
    return {"current_vendor": vendor_of(getattr(request, "user", None))}
