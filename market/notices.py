"""What each kind of notification says, in words a person reads in their own language.

A notification stores its kind and the facts it names (order number, the other party, the
amount, a reason, a date); the words are written here when it is read or sent, in the reader's
language. The same words go to the bell, e-mail and WhatsApp (whose gateway receives the
template's name and its parameters in `whatsapp` order).
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.money import format_rupiah


@dataclass(frozen=True)
class Notice:
    title: Promise
    body: Promise
    # The facts a WhatsApp template receives, in its order (after the reader's name).
    whatsapp: tuple[str, ...] = ("number", "party", "amount")
    # Sentences added to the body only when their fact is given: (fact, sentence).
    extras: tuple[tuple[str, Promise], ...] = ()

    def template_name(self, kind: str) -> str:
        return "pasar_" + kind.replace(".", "_")


ORDER_REASON = ("number", "party", "amount", "reason")

NOTICES: dict[str, Notice] = {
    "order.submitted": Notice(
        _("Order %(number)s waits for your approval"),
        _("Order %(number)s to %(party)s for %(amount)s waits for your approval or rejection."),
    ),
    "order.approved": Notice(
        _("Order %(number)s was approved"),
        _("Order %(number)s to %(party)s for %(amount)s was approved; the vendor has it now."),
    ),
    "order.to_accept": Notice(
        _("New order %(number)s to accept"),
        _(
            "%(party)s ordered %(amount)s from you (order %(number)s). Accept or decline it by "
            "%(date)s, or it expires."
        ),
        ("number", "party", "amount", "date"),
    ),
    "order.accepted": Notice(
        _("%(party)s accepted order %(number)s"),
        _("%(party)s accepted order %(number)s for %(amount)s and will deliver it."),
    ),
    "order.rejected": Notice(
        _("Order %(number)s was rejected"),
        _("Order %(number)s to %(party)s for %(amount)s was rejected: %(reason)s"),
        ORDER_REASON,
    ),
    "order.declined": Notice(
        _("%(party)s declined order %(number)s"),
        _("%(party)s declined order %(number)s for %(amount)s: %(reason)s"),
        ORDER_REASON,
    ),
    "order.expired": Notice(
        _("Order %(number)s expired"),
        _("Order %(number)s with %(party)s for %(amount)s expired: %(reason)s"),
        ORDER_REASON,
    ),
    "order.cancelled": Notice(
        _("Order %(number)s was cancelled"),
        _("Order %(number)s with %(party)s for %(amount)s was cancelled: %(reason)s"),
        ORDER_REASON,
    ),
    "order.shipped": Notice(
        _("%(party)s shipped goods of order %(number)s"),
        _(
            "Goods of order %(number)s (%(amount)s) are on their way from %(party)s. Record what "
            "arrives in a delivery receipt (BAST)."
        ),
        ("number", "party", "amount", "note"),
        extras=(("note", _("Note from the vendor: %(note)s")),),
    ),
    "order.received": Notice(
        _("%(party)s received goods of order %(number)s"),
        _(
            "%(party)s recorded a delivery receipt (BAST) for order %(number)s (%(amount)s). You "
            "can invoice what was received."
        ),
    ),
    "order.invoiced": Notice(
        _("Invoice for order %(number)s to pay"),
        _("%(party)s invoiced %(amount)s for order %(number)s. Pay it by %(date)s."),
        ("number", "party", "amount", "date"),
    ),
    "order.paid": Notice(
        _("Order %(number)s was paid"),
        # Told to the vendor and the requester alike: the department pays, whoever reads it.
        _("Order %(number)s with %(party)s was paid: %(amount)s."),
    ),
    "order.closed_short": Notice(
        _("Order %(number)s was closed short"),
        _(
            "Order %(number)s with %(party)s was closed: what was not shipped is cancelled "
            "(%(amount)s); what was shipped is received and paid as usual. Reason: %(reason)s"
        ),
        ORDER_REASON,
    ),
    "order.card_failed": Notice(
        _("The card payment of order %(number)s failed"),
        _(
            "Paying %(party)s %(amount)s by card for order %(number)s did not go through: "
            "%(reason)s Try again or pay by treasury transfer."
        ),
        ORDER_REASON,
    ),
    "order.refunded": Notice(
        _("%(amount)s of order %(number)s refunded"),
        _("%(amount)s paid for order %(number)s with %(party)s was refunded: %(reason)s"),
        ORDER_REASON,
    ),
    "order.expires_soon": Notice(
        _("Order %(number)s expires after %(date)s"),
        _(
            "Accept or decline order %(number)s from %(party)s for %(amount)s by %(date)s, or it "
            "expires."
        ),
        ("number", "party", "amount", "date"),
    ),
    "order.approval_waiting": Notice(
        _("Order %(number)s has waited for approval since %(date)s"),
        _(
            "Order %(number)s to %(party)s for %(amount)s has waited for your decision since "
            "%(date)s."
        ),
        ("number", "party", "amount", "date"),
    ),
    "order.payment_due_soon": Notice(
        _("Invoice of order %(number)s is due on %(date)s"),
        _("Pay %(party)s %(amount)s for order %(number)s by %(date)s."),
        ("number", "party", "amount", "date"),
    ),
    "order.payment_overdue": Notice(
        _("Payment of order %(number)s is overdue"),
        _(
            "The invoice of %(party)s for order %(number)s, %(amount)s, was due on %(date)s and is "
            "not paid yet."
        ),
        ("number", "party", "amount", "date"),
    ),
    "vendor.verified": Notice(
        _("%(name)s is verified"),
        _("%(party)s verified %(name)s: departments can now buy your products."),
        ("name", "party"),
    ),
    "vendor.rejected": Notice(
        _("The registration of %(name)s was not accepted"),
        _("%(party)s did not accept the registration of %(name)s: %(reason)s"),
        ("name", "party", "reason"),
    ),
    "vendor.suspended": Notice(
        _("%(name)s is suspended"),
        _("%(party)s suspended %(name)s; departments cannot buy from you for now: %(reason)s"),
        ("name", "party", "reason"),
    ),
    "vendor.reinstated": Notice(
        _("%(name)s is active again"),
        _("%(party)s lifted the suspension of %(name)s: departments can buy from you again."),
        ("name", "party"),
    ),
    "export.done": Notice(
        _("Your export %(name)s is ready"),
        _("%(name)s is ready to download: %(rows)s rows."),
        ("name", "rows"),
    ),
    "export.failed": Notice(
        _("Your export %(name)s could not be written"),
        _(
            "%(name)s could not be written. Ask for it again; if it fails again, tell an "
            "administrator."
        ),
        ("name",),
    ),
    "standing_order.ordered": Notice(
        _("Standing order %(name)s placed %(number)s"),
        _("Standing order %(name)s placed order %(number)s for %(amount)s for %(period)s."),
        ("name", "number", "amount", "period"),
    ),
    "standing_order.failed": Notice(
        _("Standing order %(name)s could not place its order"),
        _("Standing order %(name)s could not place its order for %(period)s: %(reason)s"),
        ("name", "period", "reason"),
    ),
    # The reports (procurement.mail): the e-mail adds the figures and the Excel file.
    "report.monthly": Notice(
        _("%(code)s: small-business spending, %(month)s"),
        _(
            "How %(code)s stood against its small-business target at the end of %(month)s: "
            "the report has every figure."
        ),
        ("code", "month"),
    ),
    "report.monthly_all": Notice(
        _("Small-business spending of every department, %(month)s"),
        _(
            "How each department stood against its small-business target at the end of "
            "%(month)s: the report has every figure."
        ),
        ("month",),
    ),
    "report.behind_pace": Notice(
        _("%(code)s is behind its small-business target"),
        _(
            "On %(date)s %(code)s was behind the pace its small-business target asks for: "
            "the report shows where it stands."
        ),
        ("code", "date"),
    ),
}


class _Facts(dict):
    """The facts as words: amounts in rupiah, dates in the reader's format; a fact that is
    missing reads as nothing rather than breaking the message."""

    def __getitem__(self, key):
        value = super().__getitem__(key) if key in self else ""
        if key == "amount" and isinstance(value, int):
            return format_rupiah(value)
        if key == "date" and isinstance(value, str) and value:
            try:
                return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
            except ValueError:
                return value
        return value


def words(kind: str, params: dict, *, language: str | None = None) -> tuple[str, str]:
    """(title, body) of a notification, in `language` or the active one."""
    notice = NOTICES.get(kind)
    if notice is None:  # a kind retired since: say what is known
        return kind, ""
    with translation.override(language) if language else contextlib.nullcontext():
        facts = _Facts(params or {})
        body = " ".join(
            [
                str(notice.body) % facts,
                *(str(sentence) % facts for fact, sentence in notice.extras if facts[fact]),
            ]
        )
        return str(notice.title) % facts, body


def whatsapp_parameters(kind: str, params: dict, *, name: str, language: str) -> list[str]:
    """The parameters a WhatsApp template receives: the reader's name, then its facts (a fact
    not given, such as a shipment's note, as a dash: a template parameter may not be empty)."""
    notice = NOTICES[kind]
    with translation.override(language):
        facts = _Facts(params or {})
        return [name, *(str(facts[field]) or "—" for field in notice.whatsapp)]
