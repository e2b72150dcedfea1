"""Plausible bounds for what people type, in one place.

Every number, date and free text has one, so that bad input gets a field error naming the
reason instead of an integer overflow, a database refusal or a 90-second PDF.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from market.money import format_rupiah

# Rp1.000 triliun: more than any regency spends in a year or any business declares as capital,
# and far enough from the 64-bit limit that sums of many of them still fit.
MAX_RUPIAH = 10**15

# Quantities are decimals with at most three places (kilograms to the gram) below a billion.
QUANTITY_FIELD = {"max_digits": 12, "decimal_places": 3}
MAX_QUANTITY = Decimal("999999999.999")
QUANTITY_STEP = Decimal("0.001")

# Free text, in characters.
NAME_LENGTH = 150  # a person's or a short thing's name, a username
BANK_NAME_LENGTH = 100
TITLE_LENGTH = 200  # a business's or a product's name
ADDRESS_LENGTH = 500
NOTE_LENGTH = 1000  # notes, reasons, a receiver's remarks on the goods' condition
DESCRIPTION_LENGTH = 5000  # a product's description (it feeds the search index)

# Dates people give about things happening now: a delivery, a receipt, a payment.
MAX_DAYS_AHEAD = 366


def whole_number(value) -> int | None:
    """An id or count as typed: ASCII digits only (str.isdigit would let "²" through to int()),
    at most 18 of them so that it fits a database integer; else None."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def parse_decimal(value) -> Decimal:
    """A decimal as typed, with a comma or a point; NaN when it is not a number."""
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        return Decimal("NaN")


def format_number(value) -> str:
    """6790.000 -> '6.790' in Indonesian ('6,790' in English), 31.20 -> '31,2'; no trailing
    zeros."""
    return number_format(Decimal(f"{Decimal(value).normalize():f}"), force_grouping=True)


def format_percent(value) -> str:
    """A share with one decimal, always: 33.0 -> '33,0' in Indonesian."""
    return number_format(Decimal(value), decimal_pos=1, force_grouping=True)


def quantity_problem(value: Decimal) -> str | None:
    """Why `value` is not a quantity someone can order, or None."""
    if not value.is_finite() or value <= 0:
        return _("Enter a quantity above zero.")
    if value.as_tuple().exponent < -3:
        return _("Use at most three decimals.")
    if value > MAX_QUANTITY:
        return _("Enter a quantity below %(most)s.") % {"most": format_number(10**9)}
    return None


def rupiah_problem(value: int, *, most: int = MAX_RUPIAH, least: int = 0) -> str | None:
    """Why `value` is not a plausible amount of whole rupiah, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Enter a whole number of rupiah.")
    if value < least:
        return _("Enter at least %(least)s.") % {"least": format_rupiah(least)}
    if value > most:
        return _("Enter at most %(most)s.") % {"most": format_rupiah(most)}
    return None


# A UTF-16 surrogate code point: JSON's "\ud800" escape gives one alone, which no UTF-8 text
# (a database's, a page's, a log's) can hold.
SURROGATE = re.compile("[\ud800-\udfff]")


def characters_problem(text: str) -> str | None:
    """Why text holds a character that no database, page or log can keep, or None: a NUL
    (PostgreSQL refuses it in text) or a lone surrogate (it has no UTF-8 encoding)."""
    if "\x00" in text:
        return _("Null characters are not allowed.")
    if not text.isascii() and SURROGATE.search(text):
        return _("Text may not hold a lone UTF-16 surrogate character.")
    return None


def text_problem(value: str, *, most: int, required: bool = True) -> str | None:
    """Why a free-text value is not acceptable, or None."""
    text = (value or "").strip()
    if required and not text:
        return _("This field is required.")
    if problem := characters_problem(text):
        return problem
    if len(text) > most:
        return _("Use at most %(most)s characters (this has %(length)s).") % {
            "most": format_number(most),
            "length": format_number(len(text)),
        }
    return None


def date_problem(
    value: datetime.date | None, *, earliest: datetime.date, latest: datetime.date
) -> str | None:
    """Why a date lies outside its plausible window, or None."""
    if value is None:
        return _("Enter a valid date.")
    if value < earliest:
        return _("The date cannot be before %(date)s.") % {"date": date_format(earliest, "j F Y")}
    if value > latest:
        return _("The date cannot be after %(date)s.") % {"date": date_format(latest, "j F Y")}
    return None
