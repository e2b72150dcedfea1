"""A vendor's tax profile: kept by its owner (or an administrator), checked by an administrator
against its documents, every change audited. What the taxes on its sales depend on
(procurement.taxes reads it)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from market.bounds import text_problem
from market.errors import DomainError, InvalidInput, NotAllowed
from market.locks import lock_row
from market.permissions import roles_of
from market.services.audit import audit_changes, audit_record
from market.transactions import action
from vendors.models import (
    DocumentKind,
    TaxpayerKind,
    TaxProfileStatus,
    Vendor,
    VendorMember,
    VendorRole,
    VendorTaxProfile,
)
from vendors.validation import normalise_nik

FIELDS = (
    "taxpayer_kind",
    "is_pkp",
    "pkp_since",
    "nik",
    "final_certificate_number",
    "final_valid_from",
    "final_valid_to",
    "small_turnover_year",
)
CERTIFICATE = ("final_certificate_number", "final_valid_from", "final_valid_to")
CERTIFICATE_NUMBER_LENGTH = 60
EARLIEST = datetime.date(1984, 1, 1)  # UU PPN 8/1983 came into force: no PKP before it

OWNER_KEEPS_TAXES = gettext_lazy("Only the vendor's owner keeps its tax profile.")


class TaxProfileError(DomainError):
    code = "tax_profile"


def may_keep_tax_profile(vendor: Vendor, by) -> bool:
    """Its owner and administrators; other members read it."""
    return (
        roles_of(by).is_platform_admin
        or VendorMember.objects.filter(vendor=vendor, user=by, role=VendorRole.OWNER).exists()
    )


def tax_profile_of(vendor: Vendor) -> VendorTaxProfile:
    """The vendor's profile, or an unsaved empty one (nothing declared yet)."""
    try:
        return vendor.tax_profile
    except VendorTaxProfile.DoesNotExist:
        return VendorTaxProfile(vendor=vendor)


def tax_profile_problems(values: dict, *, today: datetime.date | None = None) -> dict:
    """{field: [problem]} of a profile as it would be saved (every field at once)."""
    today = today or timezone.localdate()
    problems: dict = {}

    def add(field, problem):
        problems.setdefault(field, []).append(problem)

    if values.get("taxpayer_kind") not in TaxpayerKind.values:
        add("taxpayer_kind", _("Choose whether the vendor is a business entity or an individual."))
    since = values.get("pkp_since")
    if since is not None and not EARLIEST <= since <= today:
        add("pkp_since", _("A PKP date lies between 1984 and today."))
    if since is not None and not values.get("is_pkp"):
        add("pkp_since", _("Give a PKP date only for a vendor registered for VAT."))
    if values.get("nik") and (problem := normalise_nik(values["nik"])[1]):
        add("nik", problem)
    number = values.get("final_certificate_number") or ""
    if problem := text_problem(number, most=CERTIFICATE_NUMBER_LENGTH, required=False):
        add("final_certificate_number", problem)
    given = [field for field in CERTIFICATE if values.get(field)]
    for field in CERTIFICATE if given else ():
        if not values.get(field):
            add(field, _("A certificate needs its number and both dates."))
    start, end = values.get("final_valid_from"), values.get("final_valid_to")
    for field, day in (("final_valid_from", start), ("final_valid_to", end)):
        if day is not None and not datetime.date(2018, 7, 1) <= day <= datetime.date(2100, 12, 31):
            add(field, _("A PP 55 certificate's dates lie between July 2018 and 2100."))
    if start and end and end < start:
        add("final_valid_to", _("“Valid to” is before “valid from”."))
    year = values.get("small_turnover_year")
    if year is not None:
        if values.get("taxpayer_kind") != TaxpayerKind.INDIVIDUAL:
            add("small_turnover_year", _("Only an individual states its turnover this way."))
        elif not today.year - 1 <= year <= today.year + 1:
            add("small_turnover_year", _("A statement covers last year, this year or next."))
    return problems


def _clean(values: dict) -> dict:
    clean = {field: values.get(field) for field in FIELDS}
    clean["is_pkp"] = bool(clean["is_pkp"])
    clean["nik"] = normalise_nik(clean["nik"])[0] if clean["nik"] else ""
    clean["final_certificate_number"] = (clean["final_certificate_number"] or "").strip()
    return clean


@action
def vendor_tax_profile_update(*, vendor: Vendor, by, **values) -> VendorTaxProfile:
    """Declare or change the profile. A change waits for an administrator's check again."""
    if not may_keep_tax_profile(vendor, by):
        raise NotAllowed(OWNER_KEEPS_TAXES)
    if problems := tax_profile_problems(values):
        raise InvalidInput(problems)
    clean = _clean(values)
    profile, _created = VendorTaxProfile.objects.get_or_create(vendor=vendor)
    profile = lock_row(VendorTaxProfile.objects, profile.pk)
    before = {field: getattr(profile, field) for field in (*FIELDS, "status")}
    for field, value in clean.items():
        setattr(profile, field, value)
    profile.status = TaxProfileStatus.DECLARED
    profile.checked_at = profile.checked_by = None
    profile.save()
    audit_changes(
        actor=by,
        action="vendor.tax_profile.update",
        target=profile,
        before=before,
        after={field: getattr(profile, field) for field in (*FIELDS, "status")},
    )
    return profile


def documents_wanted(profile: VendorTaxProfile) -> list[str]:
    """The documents a check needs for what the profile declares."""
    wanted = []
    if profile.is_pkp:
        wanted.append(DocumentKind.PKP_CONFIRMATION)
    if profile.final_certificate_number:
        wanted.append(DocumentKind.FINAL_TAX_CERTIFICATE)
    if profile.small_turnover_year:
        wanted.append(DocumentKind.TURNOVER_STATEMENT)
    return wanted


@action
def vendor_tax_profile_check(*, vendor: Vendor, by) -> VendorTaxProfile:
    """An administrator has checked the profile against the vendor's documents."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only an administrator checks a tax profile."))
    profile = VendorTaxProfile.objects.filter(vendor=vendor).first()
    if profile is None:
        raise TaxProfileError(_("The vendor has declared no tax profile yet."))
    profile = lock_row(VendorTaxProfile.objects, profile.pk)
    uploaded = set(vendor.documents.values_list("kind", flat=True))
    missing = [
        DocumentKind(kind).label for kind in documents_wanted(profile) if kind not in uploaded
    ]
    if missing:
        raise TaxProfileError(
            _("Upload first: %(documents)s.") % {"documents": ", ".join(map(str, missing))}
        )
    profile.status = TaxProfileStatus.VERIFIED
    profile.checked_at, profile.checked_by = timezone.now(), by
    profile.save(update_fields=["status", "checked_at", "checked_by"])
    audit_record(
        actor=by,
        action="vendor.tax_profile.check",
        target=profile,
        after={"status": profile.status},
    )
    return profile
