"""What the orders app tells people (market.notices): an order's steps, reminders, card
payments and refunds, exports, standing orders. The WhatsApp templates are named after the
kinds (order.paid: pasar_order_paid)."""

from django.utils.translation import gettext_lazy as _

from market.notices import Notice

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
        replies=("accept", "decline"),
    ),
    "order.purchase_order": Notice(
        _("Surat pesanan of order %(number)s"),
        _(
            "The surat pesanan of order %(number)s from %(party)s for %(amount)s is ready: keep "
            "it with your records and deliver by its terms."
        ),
        document=True,
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
        document=True,
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
        ("number", "party", "amount", "received"),
        extras=(("received", _("Received by the vendor after taxes withheld: %(received)s.")),),
        document=True,
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
        replies=("accept", "decline"),
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
    # Price negotiation before approval (orders.services.negotiation): the amount is the
    # order's total at the prices proposed, countered or agreed.
    "order.negotiation_proposed": Notice(
        _("%(party)s proposes a lower price for order %(number)s"),
        _(
            "%(party)s proposes %(amount)s for order %(number)s (round %(round)s). Accept it, "
            "counter with your price, or keep the listed price."
        ),
        ("number", "party", "amount", "round"),
    ),
    "order.negotiation_countered": Notice(
        _("%(party)s countered your price for order %(number)s"),
        _(
            "%(party)s asks %(amount)s for order %(number)s (round %(round)s). Accept it, "
            "propose again if a round is left, or withdraw."
        ),
        ("number", "party", "amount", "round"),
    ),
    "order.negotiation_agreed": Notice(
        _("The price of order %(number)s was agreed"),
        _(
            "The price of order %(number)s with %(party)s was agreed: %(amount)s. The budget "
            "commitment follows it; the order waits for the PPK's approval."
        ),
    ),
    "order.negotiation_declined": Notice(
        _("%(party)s keeps the listed price of order %(number)s"),
        _(
            "%(party)s declined the lower price for order %(number)s; the order stays at "
            "%(amount)s and waits for the PPK's approval. %(reason)s"
        ),
        ORDER_REASON,
    ),
    "order.negotiation_withdrawn": Notice(
        _("The price negotiation of order %(number)s was withdrawn"),
        _(
            "The requester withdrew the price negotiation of order %(number)s with %(party)s; "
            "the order stays at %(amount)s."
        ),
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
    # The treasurer's tax register (orders.tax_register), five working days before the deposit.
    "taxes.deposit_due": Notice(
        _("Deposit the taxes of %(month)s by %(date)s"),
        _(
            "%(code)s collected %(amount)s of taxes on its payments in %(month)s: deposit them "
            "by %(date)s (PMK 81/2024). The tax register lists every line for e-Bupot."
        ),
        ("code", "month", "amount", "date"),
    ),
}
