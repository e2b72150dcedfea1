"""How each tax rule (procurement.taxes.Rule) reads, in the reader's language: the figures in
rupiah, each rule with the regulation it comes from."""

import datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from market.bounds import format_number
from market.money import format_rupiah

RULE_WORDS = {
    "ppn.not_pkp": _("The vendor is not registered for VAT (not PKP): its prices hold no PPN."),
    "ppn.exempt": _("%(base)s of staples exempt from PPN (PP 49/2022): no PPN on them."),
    "ppn.taxable": _(
        "PPN %(rate)s %% on %(fraction)s of the price excluding PPN (PMK 131/2024): %(ppn)s in "
        "the price, %(base)s without it. The price excluding PPN is rounded down to the rupiah."
    ),
    "ppn.luxury": _(
        "Luxury goods: PPN %(rate)s %% on the whole price excluding PPN (PMK 131/2024): "
        "%(ppn)s in the price, %(base)s without it."
    ),
    "collect.card": _(
        "Paid with the government card (KKPD): the treasurer collects no tax "
        "(PMK 59/2022 art. 12 and 18)."
    ),
    "collect.below": _(
        "The order's price excluding PPN, %(base)s, is not above %(threshold)s: nothing is "
        "collected (PMK 59/2022 art. 12 and 18, on the whole order, never split)."
    ),
    "collect.treasurer": _(
        "A treasury payment (SP2D): the treasurer collects the PPN and withholds income tax "
        "when the order's price excluding PPN is above %(threshold)s (PMK 59/2022 art. 12 and "
        "18)."
    ),
    "collect.platform": _(
        "The marketplace is appointed to collect (PMK 58/2022): it collects the PPN and the "
        "income tax instead of the treasurer."
    ),
    "income.statement": _(
        "The vendor stated that its turnover in %(year)s is at most %(limit)s (PP 55/2022 "
        "art. 60): no income tax is withheld."
    ),
    "income.final": _(
        "The vendor's PP 55 certificate is valid on %(date)s: %(rate)s %% final tax of %(base)s "
        "instead of PPh 22 (PP 55/2022, PMK 164/2023): %(amount)s."
    ),
    "income.pph22": _("PPh 22 %(rate)s %% of %(base)s (PMK 59/2022 art. 12): %(amount)s."),
    "income.pph22_no_npwp": _(
        "PPh 22 %(rate)s %% of %(base)s, doubled because the vendor has no NPWP or validated "
        "NIK (UU PPh art. 22 (3)): %(amount)s."
    ),
    "income.excluded": _(
        "%(amount)s of rice and grain is excluded from PPh 22 (PMK 59/2022 art. 12)."
    ),
    "remit.ppn": _("Nobody collects the PPN of %(amount)s here: the vendor deposits it itself."),
    "remit.income": _(
        "Nobody withholds income tax here: the vendor pays its own on this sale (the 0,5 %% "
        "final tax or its yearly income tax)."
    ),
}

AMOUNTS = {"base", "ppn", "threshold", "limit", "amount"}


def rule_words(code: str, facts: dict) -> str:
    words = RULE_WORDS.get(code)
    if words is None:  # a rule retired since: say what is known
        return code
    shown = dict(facts)
    for key, value in facts.items():
        if key in AMOUNTS and isinstance(value, int):
            shown[key] = format_rupiah(value)
        elif key == "rate" and isinstance(value, str):
            shown[key] = format_number(Decimal(value))  # 1,5 in Indonesian
        elif key == "date" and isinstance(value, str):
            shown[key] = formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    return str(words) % shown
