"""Every write to vendors: registration, verification steps, members and documents."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.errors import Conflict, DomainError, InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import User, Village
from market.permissions import roles_of
from market.services.audit import audit_record
from market.transactions import action, on_rollback
from market.uploads import clean_document, read_upload
from vendors.models import (
    DocumentKind,
    Scale,
    ScaleCriteria,
    Vendor,
    VendorDocument,
    VendorMember,
    VendorRole,
    VendorStatus,
)
from vendors.permissions import acts_for
from vendors.validation import normalise_nib, normalise_npwp, normalise_phone


class VendorError(DomainError):
    code = "vendor_error"


def scale_for(*, capital: int | None, annual_sales: int | None, on=None) -> Scale | None:
    """Scale by PP 7/2021 thresholds in force `on` a date: by capital, by annual sales, and when
    both are given the larger of the two (a business is small only if both figures say so)."""
    criteria = ScaleCriteria.objects.filter(effective_from__lte=on or timezone.localdate()).first()
    if criteria is None or (capital is None and annual_sales is None):
        return None

    def by(value, micro, small, medium):
        if value is None:
            return None
        for scale, limit in ((Scale.MICRO, micro), (Scale.SMALL, small), (Scale.MEDIUM, medium)):
            if value <= limit:
                return scale
        return Scale.LARGE

    order = list(Scale)
    found = [
        scale
        for scale in (
            by(
                capital,
                criteria.micro_capital_max,
                criteria.small_capital_max,
                criteria.medium_capital_max,
            ),
            by(
                annual_sales,
                criteria.micro_sales_max,
                criteria.small_sales_max,
                criteria.medium_sales_max,
            ),
        )
        if scale is not None
    ]
    return max(found, key=order.index)


def _snapshot(vendor: Vendor) -> dict:
    return {
        "legal_name": vendor.legal_name,
        "nib": vendor.nib,
        "npwp": vendor.npwp,
        "scale": vendor.scale,
        "village": vendor.village_id,
        "cooperative": vendor.is_cooperative,
        "women_led": vendor.is_women_led,
        "status": vendor.status,
        "reason": vendor.status_reason,
    }


@dataclass
class _Errors:
    fields: dict

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise InvalidInput(self.fields)


@dataclass
class VendorDetails:
    """What a business declares about itself, as typed; checked by `_checked_vendor`."""

    legal_name: str
    nib: str
    npwp: str
    contact_person: str
    phone: str
    email: str
    address: str
    bank_name: str
    bank_account_number: str
    trading_name: str = ""
    village: Village | None = None
    is_cooperative: bool = False
    is_women_led: bool = False
    declared_capital: int | None = None
    declared_annual_sales: int | None = None
    declared_scale: str = ""
    bank_account_holder: str = ""


def _checked_vendor(details: VendorDetails, errors: _Errors) -> Vendor:
    """An unsaved Vendor from the details; every problem is added to `errors`."""
    nib, problem = normalise_nib(details.nib)
    if problem:
        errors.add("nib", problem)
    elif Vendor.objects.filter(nib=nib).exists():
        errors.add("nib", _("A vendor with this NIB is already registered."))
    npwp, problem = normalise_npwp(details.npwp)
    if problem:
        errors.add("npwp", problem)
    elif Vendor.objects.filter(npwp=npwp).exists():
        errors.add("npwp", _("A vendor with this NPWP is already registered."))
    phone, problem = normalise_phone(details.phone)
    if problem:
        errors.add("phone", problem)
    try:
        validate_email(details.email)
    except ValidationError:
        errors.add("email", _("Enter a valid e-mail address."))
    for field in ("legal_name", "contact_person", "address", "bank_name", "bank_account_number"):
        if not (getattr(details, field) or "").strip():
            errors.add(field, _("This field is required."))
    amounts_ok = True
    for field in ("declared_capital", "declared_annual_sales"):
        value = getattr(details, field)
        if value is not None and value < 0:
            errors.add(field, _("An amount cannot be negative."))
            amounts_ok = False
    scale = None
    if amounts_ok:
        scale = scale_for(
            capital=details.declared_capital, annual_sales=details.declared_annual_sales
        )
    if scale is None and details.declared_scale in Scale.values:
        scale = Scale(details.declared_scale)
    if scale is None and amounts_ok:
        errors.add(
            "declared_scale",
            _("Give the business capital or annual sales, or declare the scale."),
        )
    return Vendor(
        legal_name=details.legal_name.strip(),
        trading_name=(details.trading_name or "").strip(),
        nib=nib,
        npwp=npwp,
        contact_person=details.contact_person.strip(),
        phone=phone,
        email=details.email,
        address=details.address.strip(),
        village=details.village,
        is_cooperative=details.is_cooperative,
        is_women_led=details.is_women_led,
        declared_capital=details.declared_capital,
        declared_annual_sales=details.declared_annual_sales,
        scale=scale or "",
        scale_is_declared=details.declared_capital is None
        and details.declared_annual_sales is None,
        bank_name=details.bank_name.strip(),
        bank_account_number=details.bank_account_number.strip(),
        bank_account_holder=(details.bank_account_holder or details.legal_name).strip(),
    )


def _save_new_vendor(vendor: Vendor) -> None:
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError:  # another registration with this NIB or NPWP won the race
        raise InvalidInput(
            {"nib": [_("A vendor with this NIB or NPWP is already registered.")]}
        ) from None


def _check_new_login(username: str, password: str, email: str, errors: _Errors) -> str:
    username = (username or "").strip()
    if not username:
        errors.add("username", _("Choose a username."))
    elif User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("This username is taken."))
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as invalid:
        for message in invalid.messages:
            errors.add("password", message)
    return username


@action
def vendor_register(*, username: str, password: str, **details) -> Vendor:
    """Self-registration: the login and the vendor, status `applied`. Nothing is written when
    any field is bad; every bad field is named at once."""
    details = VendorDetails(**details)
    errors = _Errors({})
    vendor = _checked_vendor(details, errors)
    username = _check_new_login(username, password, details.email, errors)
    errors.raise_if_any()
    user = User.objects.create_user(
        username=username,
        password=password,
        email=details.email,
        full_name=details.contact_person.strip(),
    )
    _save_new_vendor(vendor)
    VendorMember.objects.create(vendor=vendor, user=user, role=VendorRole.OWNER)
    audit_record(actor=user, action="vendor.register", target=vendor, after=_snapshot(vendor))
    return vendor


@action
def vendor_import(*, by, verify: bool = False, **details) -> Vendor:
    """A vendor from the districts' UMKM data collection, entered by an administrator; its
    people get logins later (vendor_member_add)."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator can import vendors."))
    errors = _Errors({})
    vendor = _checked_vendor(VendorDetails(**details), errors)
    errors.raise_if_any()
    _save_new_vendor(vendor)
    audit_record(actor=by, action="vendor.import", target=vendor, after=_snapshot(vendor))
    if verify:
        vendor = vendor_verify(vendor=vendor, by=by)
    return vendor


# action: (states it may start from, state it leads to, whether a reason is required)
TRANSITIONS = {
    "verify": ({VendorStatus.APPLIED}, VendorStatus.VERIFIED, False),
    "reject": ({VendorStatus.APPLIED}, VendorStatus.REJECTED, True),
    "suspend": ({VendorStatus.VERIFIED}, VendorStatus.SUSPENDED, True),
    "reinstate": ({VendorStatus.SUSPENDED}, VendorStatus.VERIFIED, False),
}


def allowed_actions(vendor: Vendor) -> list[str]:
    return [action for action, (sources, _, _) in TRANSITIONS.items() if vendor.status in sources]


@action
def vendor_transition(*, vendor: Vendor, action: str, by, reason: str = "") -> Vendor:
    """Move a vendor along TRANSITIONS: verify, reject, suspend or reinstate."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator can verify, reject or suspend vendors."))
    sources, target, needs_reason = TRANSITIONS[action]
    vendor = lock_row(Vendor.objects, vendor.pk)
    if vendor.status not in sources:
        raise Conflict(
            _("A vendor that is %(status)s cannot be changed this way.")
            % {"status": vendor.get_status_display().lower()},
            code="invalid_transition",
        )
    reason = (reason or "").strip()
    if needs_reason and not reason:
        raise VendorError(_("Give a reason."), field="reason", code="reason_required")
    before = _snapshot(vendor)
    vendor.status, vendor.status_reason, vendor.status_changed_at = target, reason, timezone.now()
    vendor.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        actor=by, action=f"vendor.{action}", target=vendor, before=before, after=_snapshot(vendor)
    )
    return vendor


def vendor_verify(*, vendor: Vendor, by) -> Vendor:
    return vendor_transition(vendor=vendor, action="verify", by=by)


@action
def vendor_member_add(
    *, vendor: Vendor, username: str, password: str, full_name: str, by
) -> VendorMember:
    """An owner gives a colleague a login of their own."""
    owner = VendorMember.objects.filter(vendor=vendor, user=by, role=VendorRole.OWNER).exists()
    if not (owner or roles_of(by).is_platform_admin):
        raise NotAllowed(_("Only the vendor's owner can add members."))
    errors = _Errors({})
    username = _check_new_login(username, password, "", errors)
    errors.raise_if_any()
    user = User.objects.create_user(username=username, password=password, full_name=full_name)
    member = VendorMember.objects.create(vendor=vendor, user=user, role=VendorRole.STAFF)
    audit_record(actor=by, action="vendor.member_add", target=vendor, after={"username": username})
    return member


@action
def vendor_document_add(*, vendor: Vendor, kind: str, upload, by) -> VendorDocument:
    """Store a PDF or image after checking its content; nothing is kept when it is refused."""
    if not (acts_for(by, vendor) or roles_of(by).is_platform_admin):
        raise NotAllowed()
    if kind not in DocumentKind.values:
        raise InvalidInput({"kind": [_("Choose the kind of document.")]})
    clean = clean_document(read_upload(upload, field="file"), field="file")
    document = VendorDocument(
        vendor=vendor,
        kind=kind,
        content_type=clean.content_type,
        size=len(clean.content),
        original_name=(getattr(upload, "name", "") or "")[:200],
        uploaded_by=by,
    )
    document.file.save("upload", ContentFile(clean.content), save=False)
    on_rollback(lambda: document.file.storage.delete(document.file.name))
    document.save()
    audit_record(
        actor=by,
        action="vendor.document_add",
        target=vendor,
        after={"kind": kind, "content_type": clean.content_type, "size": document.size},
    )
    return document
