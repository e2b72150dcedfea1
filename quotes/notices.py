"""What the quotes app tells people (market.notices): invitations to offer, the closing, the
proposal and the award. The WhatsApp templates are named after the kinds (quote.invited:
pasar_quote_invited)."""

from django.utils.translation import gettext_lazy as _

from market.notices import Notice

NOTICES: dict[str, Notice] = {
    "quote.invited": Notice(
        _("Mini-competition %(number)s: you are invited to offer"),
        _(
            "%(party)s asks for offers for %(title)s (mini-competition %(number)s). Send your "
            "sealed offer before %(date)s."
        ),
        ("number", "party", "title", "date"),
    ),
    "quote.extended": Notice(
        _("Mini-competition %(number)s is extended"),
        _(
            "Mini-competition %(number)s (%(title)s) received too few offers and now closes on "
            "%(date)s. You may still offer, revise or withdraw until then."
        ),
        ("number", "title", "date"),
    ),
    "quote.short": Notice(
        _("Mini-competition %(number)s: too few offers"),
        _(
            "Mini-competition %(number)s (%(title)s) closed with fewer than %(least)s offers; "
            "they stay sealed. Extend it once or cancel it with a reason."
        ),
        ("number", "title", "least"),
    ),
    "quote.opened": Notice(
        _("Mini-competition %(number)s: offers opened"),
        _(
            "The %(count)s offers of mini-competition %(number)s (%(title)s) are opened and "
            "ranked. Propose the winner."
        ),
        ("number", "title", "count"),
    ),
    "quote.proposed": Notice(
        _("Mini-competition %(number)s waits for your approval"),
        _(
            "The winner of mini-competition %(number)s (%(title)s) is proposed: %(party)s for "
            "%(amount)s. Approve the award or send it back."
        ),
        ("number", "title", "party", "amount"),
    ),
    "quote.sent_back": Notice(
        _("Mini-competition %(number)s: the proposal was sent back"),
        _(
            "The PPK sent back the proposed winner of mini-competition %(number)s (%(title)s): "
            "%(reason)s"
        ),
        ("number", "title", "reason"),
    ),
    "quote.won": Notice(
        _("You won mini-competition %(number)s"),
        _(
            "Your offer won mini-competition %(number)s (%(title)s): order %(order)s for "
            "%(amount)s is yours to accept."
        ),
        ("number", "title", "order", "amount"),
    ),
    "quote.lost": Notice(
        _("Mini-competition %(number)s was awarded to another vendor"),
        _(
            "Mini-competition %(number)s (%(title)s) was awarded to another vendor at a unit "
            "price of %(amount)s. Thank you for your offer."
        ),
        ("number", "title", "amount"),
    ),
    "quote.awarded": Notice(
        _("Mini-competition %(number)s is awarded"),
        _(
            "The award of mini-competition %(number)s (%(title)s) was approved: order %(order)s "
            "to %(party)s."
        ),
        ("number", "title", "order", "party"),
    ),
    "quote.cancelled": Notice(
        _("Mini-competition %(number)s was cancelled"),
        _("Mini-competition %(number)s (%(title)s) was cancelled: %(reason)s"),
        ("number", "title", "reason"),
    ),
}
