"""Every write to vendors: registration, verification steps, members and documents."""

import copy
import secrets
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from market.bounds import (
    ADDRESS_LENGTH,
    BANK_NAME_LENGTH,
    NAME_LENGTH,
    NOTE_LENGTH,
    TITLE_LENGTH,
    rupiah_problem,
    text_problem,
)
from market.errors import Conflict, DomainError, InvalidInput, NotAllowed
from market.files.uploads import clean_document, read_upload
from market.locks import lock_row
from market.models import Organisation, User, Village
from market.permissions import roles_of
from market.phones import normalise_phone
from market.services.audit import audit_changes, audit_record
from market.services.notifications import notify
from market.transactions import action, on_rollback
from vendors.models import (
    DOCUMENTS_FOR_VERIFICATION,
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
from vendors.selectors import vendor_documents_missing, vendor_people
from vendors.validation import (
    normalise_bank_account,
    normalise_nib,
    normalise_npwp,
)


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
    return {field: getattr(vendor, field) for field in AUDITED_FIELDS}


# What a business declares about itself, in the order the forms ask for it.
DECLARED_FIELDS = (
    "legal_name",
    "trading_name",
    "nib",
    "npwp",
    "contact_person",
    "phone",
    "email",
    "address",
    "village",
    "is_cooperative",
    "is_women_led",
    "declared_capital",
    "declared_annual_sales",
    "declared_scale",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
)
# What the registry records, audited before and after every change: the declared fields as
# stored (the village's id, the scale worked out), and the verification status.
AUDITED_FIELDS = (
    *(field for field in DECLARED_FIELDS if field not in ("village", "declared_scale")),
    "village_id",
    "scale",
    "scale_is_declared",
    "status",
    "status_reason",
)
# What a vendor's members may change; where its money goes only its owner may; the rest
# (identity, scale and the flags the quota counts) is checked by an administrator, who may
# change all of it.
MEMBER_FIELDS = frozenset(
    {"trading_name", "contact_person", "phone", "email", "address", "village"}
)
BANK_FIELDS = frozenset({"bank_name", "bank_account_number", "bank_account_holder"})
ADMIN_FIELDS = frozenset(DECLARED_FIELDS)


def editable_fields(vendor: Vendor, by) -> frozenset[str]:
    """What this person may change of this vendor."""
    if roles_of(by).is_platform_admin:
        return ADMIN_FIELDS
    if VendorMember.objects.filter(vendor=vendor, user=by, role=VendorRole.OWNER).exists():
        return MEMBER_FIELDS | BANK_FIELDS
    return MEMBER_FIELDS if acts_for(by, vendor) else frozenset()


# The text a business types, and how long each may be.
TEXT_FIELDS = {
    "legal_name": (TITLE_LENGTH, True),
    "trading_name": (TITLE_LENGTH, False),
    "contact_person": (NAME_LENGTH, True),
    "address": (ADDRESS_LENGTH, True),
    "bank_name": (BANK_NAME_LENGTH, True),
    "bank_account_holder": (TITLE_LENGTH, False),
}
# A business registered outside the regency says so; an empty choice is not an answer.
OUTSIDE_REGENCY = "outside"


@dataclass
class _Errors:
    fields: dict

    def add(self, field: str, message) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise InvalidInput(self.fields)


def _checked_values(values: dict, errors: _Errors, *, vendor: Vendor | None = None) -> dict:
    """The given fields checked and normalised; every problem is added to `errors`.

    `vendor` is the business being changed (None for a new one), so that its own NIB and NPWP
    do not count as taken.
    """
    clean: dict = {}
    others = Vendor.objects.exclude(pk=vendor.pk) if vendor else Vendor.objects.all()
    for field, (most, required) in TEXT_FIELDS.items():
        if field in values:
            clean[field] = (values[field] or "").strip()
            if problem := text_problem(clean[field], most=most, required=required):
                errors.add(field, problem)
    for field, normalise, taken in (
        ("nib", normalise_nib, _("A vendor with this NIB is already registered.")),
        ("npwp", normalise_npwp, _("A vendor with this NPWP is already registered.")),
    ):
        if field in values:
            clean[field], problem = normalise(values[field] or "")
            if problem:
                errors.add(field, problem)
            elif others.filter(**{field: clean[field]}).exists():
                errors.add(field, taken)
    if "phone" in values:
        clean["phone"], problem = normalise_phone(values["phone"] or "")
        if problem:
            errors.add("phone", problem)
    if "email" in values:
        clean["email"] = (values["email"] or "").strip()
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    if "bank_account_number" in values:
        clean["bank_account_number"], problem = normalise_bank_account(
            values["bank_account_number"] or ""
        )
        if problem:
            errors.add("bank_account_number", problem)
    if "village" in values:
        village = values["village"]
        if village == OUTSIDE_REGENCY:
            clean["village"] = None
        elif isinstance(village, Village):
            clean["village"] = village
        else:
            errors.add(
                "village",
                _("Choose the village where the business is registered, or “outside the regency”."),
            )
    for field in ("is_cooperative", "is_women_led"):
        if field in values:
            clean[field] = bool(values[field])
    for field in ("declared_capital", "declared_annual_sales"):
        if field in values:
            clean[field] = values[field]
            if values[field] is not None and (problem := rupiah_problem(values[field])):
                errors.add(field, problem)
    if "declared_scale" in values:
        clean["declared_scale"] = values["declared_scale"] or ""
        if clean["declared_scale"] not in ("", *Scale.values):
            errors.add("declared_scale", _("Choose a scale."))
    return clean


def _apply_scale(vendor: Vendor, values: dict, errors: _Errors) -> None:
    """Scale from the figures when given (PP 7/2021), else as declared."""
    figures = {
        field: values.get(field, getattr(vendor, field))
        for field in ("declared_capital", "declared_annual_sales")
    }
    if any(field in errors.fields for field in figures):
        return
    scale = scale_for(
        capital=figures["declared_capital"], annual_sales=figures["declared_annual_sales"]
    )
    declared = values.get("declared_scale") or (vendor.scale if vendor.scale_is_declared else "")
    if scale is None and declared in Scale.values:
        scale = Scale(declared)
    if scale is None:
        errors.add(
            "declared_scale",
            _("Give the business capital or annual sales, or declare the scale."),
        )
        return
    vendor.scale = scale
    vendor.scale_is_declared = all(value is None for value in figures.values())


def _new_vendor(details: dict, errors: _Errors) -> Vendor:
    """An unsaved Vendor from what a business declares; every problem added to `errors`."""
    details = {"village": None, **details}
    clean = _checked_values(details, errors)
    vendor = Vendor(
        **{field: value for field, value in clean.items() if field != "declared_scale"},
    )
    if not clean.get("bank_account_holder"):
        vendor.bank_account_holder = clean.get("legal_name", "")
    _apply_scale(vendor, clean, errors)
    return vendor


def _registration(details: dict, errors: _Errors) -> Vendor:
    """The unsaved vendor a business registers, and its owner's password, checked; every
    problem added to `errors`. A field missing from `details` is not judged on its own."""
    details = dict(details)
    password = details.pop("password", None)
    vendor = _new_vendor(details, errors)
    if password is not None:
        _check_password(
            password, errors, full_name=details.get("contact_person"), email=details.get("email")
        )
    return vendor


def vendor_registration_problems(values: dict) -> dict:
    """{field: [problem]} of a registration: the rules vendor_register keeps, for the page's
    form and the API's input to name with their own, all in one answer."""
    errors = _Errors({})
    _registration(values, errors)
    return errors.fields


def _changed(vendor: Vendor, changes: dict, allowed: frozenset[str]) -> _Errors:
    """`changes` checked and set on `vendor` (unsaved), the scale following the figures; the
    problems, a field this person may not change among them."""
    errors = _Errors(
        {name: [_("This field cannot be changed here.")] for name in set(changes) - allowed}
    )
    # What may not be changed is refused whatever it holds: its value is not even read.
    changes = {name: value for name, value in changes.items() if name in allowed}
    clean = _checked_values(changes, errors, vendor=vendor)
    for field, value in clean.items():
        if field != "declared_scale":
            setattr(vendor, field, value)
    if {"declared_capital", "declared_annual_sales", "declared_scale"} & set(changes):
        _apply_scale(vendor, clean, errors)
    return errors


def vendor_change_problems(*, vendor: Vendor, by, changes: dict) -> dict:
    """{field: [problem]} of changing `vendor` so: the rules vendor_update keeps, for the
    profile page's form and the API's input to name with their own, all in one answer."""
    return _changed(copy.copy(vendor), changes, editable_fields(vendor, by)).fields


def _save_new_vendor(vendor: Vendor) -> None:
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError:  # another registration with this NIB or NPWP won the race
        raise InvalidInput(
            {"nib": [_("A vendor with this NIB or NPWP is already registered.")]}
        ) from None


def _check_password(password: str, errors: _Errors, **person) -> None:
    """Django's validators, a password like the person's name or address included."""
    person = {name: value or "" for name, value in person.items()}
    try:
        validate_password(password or "", User(**person))
    except ValidationError as invalid:
        for message in invalid.messages:
            errors.add("password", message)


def _create_login(**fields) -> User:
    """A new login; a username taken at the same moment (in any letter case) is a field error."""
    try:
        with transaction.atomic():
            return User.objects.create_user(**fields)
    except IntegrityError:
        raise InvalidInput({"username": [_("This username is taken.")]}) from None


# Titles before a name, left out of the username made of it.
HONORIFICS = {
    "ibu",
    "bu",
    "pak",
    "bapak",
    "bpk",
    "h",
    "hj",
    "haji",
    "hajjah",
    "sdr",
    "sdri",
    "mas",
    "mbak",
    "kak",
    "dr",
    "ir",
}


def _login_names(contact_person: str):
    """Usernames to try for a new vendor: the contact's first name, in plain letters, and
    random digits (more of them after a few taken ones)."""
    words = unicodedata.normalize("NFKD", contact_person or "").lower().replace(".", " ").split()
    name = next((word for word in words if word not in HONORIFICS), "")
    base = "".join(c for c in name if c.isascii() and c.isalpha())[:12] or "umkm"
    for digits in (4, 4, 4, 6, 6, 6, 8, 8):
        yield f"{base}.{secrets.randbelow(10**digits):0{digits}d}"


def _register_login(*, contact_person: str, **fields) -> User:
    """The registrant's login, under a username the platform chooses: registration never
    says whether a username exists. One taken meanwhile (a race) just means another try."""
    for username in _login_names(contact_person):
        if User.objects.filter(username__iexact=username).exists():
            continue
        try:
            with transaction.atomic():
                return User.objects.create_user(
                    username=username, full_name=contact_person, **fields
                )
        except IntegrityError:
            continue
    raise Conflict(_("No username could be chosen just now. Please send the form again."))


@action
def vendor_register(*, password: str, **details) -> Vendor:
    """Self-registration: the login and the vendor, status `applied`. Nothing is written when
    any field is bad; every bad field is named at once. The username is chosen by the
    platform (shown on the page and in the API's answer)."""
    errors = _Errors({})
    vendor = _registration({**details, "password": password}, errors)
    errors.raise_if_any()
    user = _register_login(
        contact_person=vendor.contact_person,
        password=password,
        email=vendor.email,
        phone=vendor.phone,  # WhatsApp, where small vendors live; changeable in their choices
    )
    _save_new_vendor(vendor)
    VendorMember.objects.create(vendor=vendor, user=user, role=VendorRole.OWNER)
    audit_record(actor=user, action="vendor.register", target=vendor, after=_snapshot(vendor))
    return vendor


# The districts' UMKM data collection checked each business's NIB and NPWP where it was made:
# a vendor imported with --verify is verified with this reason recorded (in the organisation's
# language), its documents not uploaded here.
IMPORT_VERIFY_REASON = gettext_lazy("Verified from the districts' UMKM data collection (import).")


@action
def vendor_import(*, by, verify: bool = False, **details) -> Vendor:
    """A vendor from the districts' UMKM data collection, entered by an administrator; its
    people get logins later (vendor_member_add). Verified at once with `verify`, for the
    reason IMPORT_VERIFY_REASON."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator can import vendors."))
    errors = _Errors({})
    vendor = _new_vendor(details, errors)
    errors.raise_if_any()
    _save_new_vendor(vendor)
    audit_record(actor=by, action="vendor.import", target=vendor, after=_snapshot(vendor))
    if verify:
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(IMPORT_VERIFY_REASON)
        vendor = vendor_verify(vendor=vendor, by=by, reason=reason)
    return vendor


@action
def vendor_update(*, vendor: Vendor, by, **changes) -> Vendor:
    """Change a vendor's profile, bank account or (administrators) identity and scale; the scale
    follows the figures. Audited before and after."""
    allowed = editable_fields(vendor, by)
    if not allowed:
        raise NotAllowed(_("You can only change your own business."))
    vendor = lock_row(Vendor.objects.select_related("village__district"), vendor.pk)
    before = _snapshot(vendor)
    _changed(vendor, changes, allowed).raise_if_any()
    vendor.save()
    audit_changes(
        actor=by, action="vendor.update", target=vendor, before=before, after=_snapshot(vendor)
    )
    return vendor


class Step(NamedTuple):
    sources: frozenset[str]  # the states it may start from
    target: str  # the state it leads to
    needs_reason: bool
    # Documents the vendor must have uploaded first; without them, a reason must be recorded.
    documents: tuple[str, ...] = ()


TRANSITIONS = {
    "verify": Step(
        frozenset({VendorStatus.APPLIED}),
        VendorStatus.VERIFIED,
        False,
        documents=DOCUMENTS_FOR_VERIFICATION,
    ),
    "reject": Step(frozenset({VendorStatus.APPLIED}), VendorStatus.REJECTED, True),
    "suspend": Step(frozenset({VendorStatus.VERIFIED}), VendorStatus.SUSPENDED, True),
    "reinstate": Step(frozenset({VendorStatus.SUSPENDED}), VendorStatus.VERIFIED, False),
}


# What the vendor's people are told after each action (vendors.notices).
TOLD = {
    "verify": "verified",
    "reject": "rejected",
    "suspend": "suspended",
    "reinstate": "reinstated",
}


def _organisation_name() -> str:
    organisation = Organisation.objects.order_by("pk").first()
    return organisation.short_name if organisation else "Pasar Sistemik"


def allowed_actions(vendor: Vendor) -> list[str]:
    return [name for name, step in TRANSITIONS.items() if vendor.status in step.sources]


def document_names(kinds) -> str:
    """The kinds of document as a reader names them: "NIB certificate, NPWP card"."""
    return ", ".join(str(DocumentKind(kind).label) for kind in kinds)


def _documents_missing_error(missing: list[str]) -> VendorError:
    return VendorError(
        ngettext(
            "Missing: %(documents)s. Ask the vendor to upload it, or give the reason to verify "
            "without it.",
            "Missing: %(documents)s. Ask the vendor to upload them, or give the reason to verify "
            "without them.",
            len(missing),
        )
        % {"documents": document_names(missing)},
        field="reason",
        code="documents_missing",
    )


@action
def vendor_transition(*, vendor: Vendor, action: str, by, reason: str = "") -> Vendor:
    """Move a vendor along TRANSITIONS: verify, reject, suspend or reinstate. Verifying needs
    the vendor's NIB certificate and NPWP card uploaded, or the reason to verify without them
    (recorded, and the documents missing audited)."""
    if not roles_of(by).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator can verify, reject or suspend vendors."))
    step = TRANSITIONS[action]
    vendor = lock_row(Vendor.objects, vendor.pk)
    if vendor.status not in step.sources:
        raise Conflict(
            _("A vendor that is %(status)s cannot be changed this way.")
            % {"status": vendor.get_status_display().lower()},
            code="invalid_transition",
        )
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise VendorError(_("Give a reason."), field="reason", code="reason_required")
    if problem := text_problem(reason, most=NOTE_LENGTH, required=False):
        raise InvalidInput({"reason": [problem]})
    missing = vendor_documents_missing(vendor, step.documents) if step.documents else []
    if missing and not reason:
        raise _documents_missing_error(missing)
    before = _snapshot(vendor)
    vendor.status, vendor.status_reason = step.target, reason
    vendor.status_changed_at = timezone.now()
    vendor.save(update_fields=["status", "status_reason", "status_changed_at"])
    after = _snapshot(vendor)
    if step.documents:  # what the administrator verified without, and why (status_reason)
        after["documents_missing"] = [str(kind) for kind in missing]
    audit_record(actor=by, action=f"vendor.{action}", target=vendor, before=before, after=after)
    notify(
        kind=f"vendor.{TOLD[action]}",
        recipients=vendor_people(vendor.pk),
        params={
            "name": vendor.display_name,
            "party": _organisation_name(),
            "reason": reason,
        },
        target=vendor,
        link=reverse("vendor-home"),
    )
    return vendor


def vendor_verify(*, vendor: Vendor, by, reason: str = "") -> Vendor:
    return vendor_transition(vendor=vendor, action="verify", by=by, reason=reason)


OWNER_ADDS_MEMBERS = gettext_lazy("Only the vendor's owner can add members.")


def may_add_members(vendor: Vendor, by) -> bool:
    """The vendor's owner gives colleagues their logins (and an administrator may)."""
    return (
        roles_of(by).is_platform_admin
        or VendorMember.objects.filter(vendor=vendor, user=by, role=VendorRole.OWNER).exists()
    )


def _new_member(values: dict, errors: _Errors) -> str:
    """A colleague's name, the username their owner chose and its password, checked (every
    problem added to `errors`); the username as it will be kept. A field missing from
    `values` is not judged on its own."""
    if "full_name" in values and (problem := text_problem(values["full_name"], most=NAME_LENGTH)):
        errors.add("full_name", problem)
    username = (values.get("username") or "").strip()
    if "username" in values:
        if problem := text_problem(username, most=NAME_LENGTH):
            errors.add("username", problem if username else _("Choose a username."))
        elif User.objects.filter(username__iexact=username).exists():
            errors.add("username", _("This username is taken."))
    if "password" in values:
        _check_password(values["password"], errors, username=username, email="")
    return username


def vendor_member_problems(values: dict) -> dict:
    """{field: [problem]} of a new member: the rules vendor_member_add keeps, for the page's
    form to name with its own, all in one answer."""
    errors = _Errors({})
    _new_member(values, errors)
    return errors.fields


@action
def vendor_member_add(
    *, vendor: Vendor, username: str, password: str, full_name: str, by
) -> VendorMember:
    """An owner gives a colleague a login of their own."""
    if not may_add_members(vendor, by):
        raise NotAllowed(OWNER_ADDS_MEMBERS)
    errors = _Errors({})
    username = _new_member(
        {"username": username, "password": password, "full_name": full_name}, errors
    )
    errors.raise_if_any()
    user = _create_login(username=username, password=password, full_name=full_name.strip())
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
