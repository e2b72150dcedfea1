"""Normalising and checking what vendors type: NIB, NPWP, bank accounts (phone numbers:
market.phones)."""

import re

from django.utils.translation import gettext_lazy as _

NIB_DIGITS = 13
NPWP_DIGITS = (15, 16)


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def normalise_nib(value: str) -> tuple[str, str | None]:
    """(normalised, error): a NIB is exactly 13 digits."""
    nib = digits_only(value)
    if len(nib) != NIB_DIGITS or re.search(r"[^\d\s.-]", value or ""):
        return nib, _("NIB must be exactly 13 digits.")
    return nib, None


def normalise_npwp(value: str) -> tuple[str, str | None]:
    """(normalised, error): 15 digits (old format, 99.999.999.9-999.999) or 16 (NIK-based)."""
    npwp = digits_only(value)
    if len(npwp) not in NPWP_DIGITS or re.search(r"[^\d\s.-]", value or ""):
        return npwp, _("NPWP must have 15 or 16 digits.")
    return npwp, None


def normalise_bank_account(value: str) -> tuple[str, str | None]:
    """(normalised, error): an account number is 6 to 20 digits; spaces, dots and dashes as
    printed on a passbook are dropped."""
    raw = (value or "").strip()
    number = digits_only(raw)
    if re.search(r"[^\d\s.-]", raw) or not 6 <= len(number) <= 20:
        return number, _("An account number has 6 to 20 digits.")
    return number, None


def normalise_nik(value: str) -> tuple[str, str | None]:
    """(normalised, error): a NIK is 16 digits: the region (province 11 to 94), the birth date
    (a woman's day plus 40) and a serial number."""
    nik = digits_only(value)
    if len(nik) != 16 or re.search(r"[^\d\s.-]", value or ""):
        return nik, _("A NIK has 16 digits.")
    day, month = int(nik[6:8]), int(nik[8:10])
    if (
        not 11 <= int(nik[:2]) <= 94
        or not (1 <= day % 40 <= 31 and day < 72)
        or not 1 <= month <= 12
    ):
        return nik, _("This is not a valid NIK: check its region and birth-date digits.")
    return nik, None
