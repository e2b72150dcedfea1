"""Indonesian phone numbers, as people type them and as WhatsApp needs them (E.164)."""

import re

from django.utils.translation import gettext_lazy as _


def normalise_phone(value: str) -> tuple[str, str | None]:
    """(normalised, error): '0812-3456-7890', '62812…' and '+62 812…' all become '+62812…'."""
    raw = (value or "").strip()
    if re.search(r"[^\d\s()+.-]", raw):
        return raw, _("Enter an Indonesian phone number, e.g. 0812-3456-7890.")
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if not re.fullmatch(r"[2-9]\d{7,11}", national):
        return raw, _("Enter an Indonesian phone number, e.g. 0812-3456-7890.")
    return f"+62{national}", None
