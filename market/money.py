"""Money is whole rupiah in integers; this is where it is rounded and written for people,
in figures (Rp1.250.000) and in words (terbilang)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


def round_rupiah(amount: Decimal | int) -> int:
    """Round a computed amount (quantity times price) half-up to a whole rupiah, once."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_rupiah(amount: int | Decimal | None) -> str:
    """1250000 -> 'Rp1.250.000'; negative amounts keep their sign in front: '-Rp5.000'."""
    if amount is None or amount == "":
        return ""
    whole = round_rupiah(amount)
    digits = f"{abs(whole):,}".replace(",", ".")
    return f"{'-' if whole < 0 else ''}Rp{digits}"


class RupiahField(models.BigIntegerField):
    """Whole rupiah. A plain big integer, named so that a reader knows the unit."""

    description = _("Amount in whole rupiah")


_ONES = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")]


def _below_thousand(number: int) -> str:
    if number < 12:
        return _ONES[number]
    if number < 20:
        return f"{_ONES[number - 10]} belas"
    if number < 100:
        tens, ones = divmod(number, 10)
        return f"{_ONES[tens]} puluh {_ONES[ones]}".strip()
    hundreds, rest = divmod(number, 100)
    head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
    return f"{head} {_below_thousand(rest)}".strip()


def number_in_words(number: int) -> str:
    """A whole number in Indonesian words: 1250000 -> 'satu juta dua ratus lima puluh ribu'."""
    if number == 0:
        return "nol"
    words, rest = [], number
    for size, name in _SCALES:
        count, rest = divmod(rest, size)
        if count:
            words.append(
                "seribu" if size == 1000 and count == 1 else f"{number_in_words(count)} {name}"
            )
    if rest:
        words.append(_below_thousand(rest))
    return " ".join(words)


def rupiah_in_words(amount: int) -> str:
    """The amount spelt out, as a kuitansi states it (terbilang):
    1250000 -> 'Satu juta dua ratus lima puluh ribu rupiah'."""
    text = f"{number_in_words(abs(int(amount)))} rupiah"
    if amount < 0:
        text = f"minus {text}"
    return text[0].upper() + text[1:]


def apportion(amount: int, weights: dict[str, int]) -> dict[str, int]:
    """Split whole rupiah across keys in proportion to their weights, the parts summing to
    `amount` exactly (largest remainders take the leftover rupiah, ties by key)."""
    total = sum(weights.values())
    if amount <= 0 or total <= 0:
        return {}
    shares = {key: amount * weight // total for key, weight in weights.items()}
    leftover = amount - sum(shares.values())
    by_remainder = sorted(weights, key=lambda key: (-(amount * weights[key] % total), key))
    for key in by_remainder[:leftover]:
        shares[key] += 1
    return {key: share for key, share in shares.items() if share}
