"""Negotiating a submitted order's prices before the PPK approves it (e-Katalog v6, Digipay).

The requester proposes lower unit prices for some lines; the vendor accepts them, counters
with prices between the proposal and the listed price, or declines (the order keeps its listed
prices). A counter is accepted by the requester, who may instead propose again while rounds are
left (the fiscal year's Policy.negotiation_rounds, per order) or withdraw. Agreed prices become
the order's lines' prices in the transaction that agrees them, and what the lower total no longer
needs is released from the budget line through the spend ledger, so that the order's commitment
always equals its total. Approval waits while a negotiation is open (orders.actions.APPROVE).

Each step is an action of orders.actions (who takes it, its words, who is told): it checks who
acts first, locks the budget line (when it moves money) then the order in the one lock order
(market.locks), checks the order is still submitted and whose turn it is, and is audited on the
order with the prices it names.
"""

import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from market.bounds import MAX_RUPIAH, NOTE_LENGTH, text_problem, whole_number
from market.errors import Conflict, InvalidInput
from market.locks import lock_all
from market.models import User
from market.money import format_rupiah, round_rupiah
from market.transactions import action
from orders.actions import (
    NEGOTIATION_ACCEPT,
    NEGOTIATION_COUNTER,
    NEGOTIATION_DECLINE,
    NEGOTIATION_PROPOSE,
    NEGOTIATION_WITHDRAW,
    OrderAction,
    implements,
)
from orders.models import (
    Actor,
    Negotiation,
    NegotiationPrice,
    NegotiationRound,
    NegotiationStatus,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    RoundAnswer,
)
from orders.services.transitions import ACTOR_CHECKS, lock_for_step, may_act, record_step
from orders.spend import priced, spend_of
from procurement.selectors import policy_for
from procurement.services import budget_release

# --- reading where a negotiation stands ----------------------------------------------------


def rounds_most(order: PurchaseOrder) -> int:
    """How many rounds the order may be negotiated in (the fiscal year's policy)."""
    return policy_for(order.budget_line.fiscal_year).negotiation_rounds


def rounds_used(order: PurchaseOrder) -> int:
    """Rounds proposed on the order so far, in every negotiation of it."""
    return NegotiationRound.objects.filter(negotiation__order=order).count()


def open_negotiation(order: PurchaseOrder) -> Negotiation | None:
    return (
        Negotiation.objects.filter(order=order, status=NegotiationStatus.OPEN)
        .annotate(round_count=Count("rounds"))
        .first()
    )


def last_round(negotiation: Negotiation) -> NegotiationRound:
    return negotiation.rounds.order_by("-number").prefetch_related("prices").first()


def turn_of(negotiation: Negotiation | None, last: NegotiationRound | None) -> str | None:
    """Whose move it is: the vendor's on a proposal waiting for its answer, the requester's on
    a counter; None when nothing is open."""
    if negotiation is None or negotiation.status != NegotiationStatus.OPEN or last is None:
        return None
    return Actor.VENDOR if last.answer == RoundAnswer.WAITING else Actor.REQUESTER


# --- the field rules, written once for the pages, the API and the services -----------------


def _price(raw) -> int | None:
    """A unit price as sent: a whole number, or its digits as typed ("13000", "13.000")."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", text):  # Indonesian thousands: 13.000
        text = text.replace(".", "")
    return whole_number(text)


def price_problems(
    lines: list[OrderLine], prices, *, least, most, below: bool, empty: str
) -> tuple[dict[int, int], dict]:
    """({line id: price}, problems) of {line id: unit price in whole rupiah} typed against the
    order's lines: each price a whole number of rupiah from `least(line)` and below (or, unless
    `below`, up to) `most(line)`; each line's problem under its id, {"prices": {id: [...]}}.
    `least`/`most` return None for a line that may not be named."""
    if not isinstance(prices, dict):
        return {}, {"prices": [_("Give prices as {line id: unit price}.")]}
    by_id = {str(line.pk): line for line in lines}
    checked: dict[int, int] = {}
    problems: dict[str, list] = {}
    for line_id, raw in prices.items():
        line = by_id.get(str(line_id))
        if line is None:
            return {}, {"prices": [_("A line does not belong to this order.")]}
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # a line left empty keeps its price
        low, high = least(line), most(line)
        if low is None or high is None:
            problems[str(line.pk)] = [_("This line is not part of the proposal.")]
            continue
        price = _price(raw)
        if price is None or price < 1 or price > MAX_RUPIAH:
            problems[str(line.pk)] = [_("Enter a unit price in whole rupiah above zero.")]
        elif below and price >= high:
            problems[str(line.pk)] = [
                _("Propose less than %(price)s, the price now.") % {"price": format_rupiah(high)}
            ]
        elif not below and price > high:
            problems[str(line.pk)] = [
                _("A counter cannot be above the listed price, %(price)s.")
                % {"price": format_rupiah(high)}
            ]
        elif price < low:
            problems[str(line.pk)] = [
                _("A counter cannot be below the proposed price, %(price)s.")
                % {"price": format_rupiah(low)}
            ]
        else:
            checked[line.pk] = price
    if problems:
        return {}, {"prices": problems}
    if not checked:
        return {}, {"prices": [empty]}
    return checked, {}


def standing_prices(order: PurchaseOrder, view=None) -> dict[int, int]:
    """{line id: the price a new proposal must be below}: the listed price, or the vendor's
    counter in the last round (proposing it or above would be accepting it). `view` is the
    negotiation as read already (negotiation_view), else it is read."""
    prices = {line.pk: line.unit_price for line in order.lines.all()}
    if view is not None:
        last = view.last if view.open else None
    else:
        negotiation = open_negotiation(order)
        last = last_round(negotiation) if negotiation else None
    if last is not None and last.answer == RoundAnswer.COUNTERED:
        for price in last.prices.all():
            prices[price.line_id] = price.countered_price or price.listed_price
    return prices


def proposal_problems(order: PurchaseOrder, lines: list[OrderLine], prices) -> tuple[dict, dict]:
    """A requester's proposal: a price above zero and below the line's price now (or the
    vendor's last counter) for each line named; lines not named keep their price."""
    standing = standing_prices(order)
    return price_problems(
        lines,
        prices,
        least=lambda line: 1,
        most=lambda line: standing[line.pk],
        below=True,
        empty=_("Propose a lower price for at least one line."),
    )


def counter_problems(last: NegotiationRound | None, lines: list[OrderLine], prices):
    """A vendor's counter: for each line proposed, a price from the proposal up to the listed
    price (never above it); lines not named keep the listed price."""
    proposed = {price.line_id: price for price in (last.prices.all() if last else [])}
    return price_problems(
        lines,
        prices,
        least=lambda line: proposed[line.pk].proposed_price if line.pk in proposed else None,
        most=lambda line: proposed[line.pk].listed_price if line.pk in proposed else None,
        below=False,
        empty=_("Give your price for at least one line of the proposal."),
    )


def decline_problems(reason) -> dict:
    problem = text_problem(reason or "", most=NOTE_LENGTH, required=False)
    return {"reason": [problem]} if problem else {}


# --- the steps ------------------------------------------------------------------------------


def _round_checked(last: NegotiationRound | None, answering) -> None:
    """An answer names the round it answers (pages always do): a round that has moved on
    since the person read it is not answered blindly."""
    if answering is not None and (last is None or last.number != answering):
        raise Conflict(
            _("The negotiation has moved on meanwhile; read the latest round and answer again."),
            code="moved_on",
        )


def _open(
    order: PurchaseOrder, by, *, sides: tuple[str, ...], answering=None
) -> tuple[Negotiation, NegotiationRound]:
    """The order's open negotiation and its last round, when the move is `by`'s: its side is
    one of `sides` and the one whose turn it is."""
    negotiation = open_negotiation(order)
    if negotiation is None:
        raise Conflict(
            _("Order %(number)s has no open price negotiation.") % {"number": order.number},
            code="no_negotiation",
        )
    last = last_round(negotiation)
    _round_checked(last, answering)
    turn = turn_of(negotiation, last)
    if turn not in sides or not ACTOR_CHECKS[turn](by, order):
        message = (
            _("The proposal waits for the vendor's answer.")
            if turn == Actor.VENDOR
            else _("The vendor has answered; the requester's move is next.")
        )
        raise Conflict(message, code="not_your_turn")
    return negotiation, last


def _record(order: PurchaseOrder, step: OrderAction, by, *, total: int, **after) -> None:
    """The step on the order's timeline and audit trail, with the prices it names; its people
    told the order's total at those prices."""
    record_step(
        order,
        step,
        by,
        OrderStatus.SUBMITTED,
        tell_also={"amount": total, "round": after.get("round")},
        **after,
    )


def _total_at(lines: list[OrderLine], prices: dict[int, int]) -> int:
    """The order's total were `prices` its lines' unit prices (each line rounded half-up once,
    as orders.spend.priced does)."""
    return sum(
        round_rupiah(line.quantity * prices[line.pk]) if line.pk in prices else line.total
        for line in lines
    )


@implements(NEGOTIATION_PROPOSE)
@action
def negotiation_propose(
    *, order: PurchaseOrder, by: User, prices: dict, answering=None
) -> Negotiation:
    """The requester proposes lower unit prices ({line id: price}): opening a negotiation, or,
    on the vendor's counter, the next round while the policy's rounds last."""
    order = lock_for_step(order, NEGOTIATION_PROPOSE, by)
    negotiation = open_negotiation(order)
    if negotiation is not None:
        negotiation, _last = _open(order, by, sides=(Actor.REQUESTER,), answering=answering)
    elif Negotiation.objects.filter(order=order, status=NegotiationStatus.AGREED).exists():
        raise Conflict(
            _("The price of order %(number)s was agreed already.") % {"number": order.number},
            code="negotiation_agreed",
        )
    used, most = rounds_used(order), rounds_most(order)
    if used >= most:
        raise InvalidInput(
            {
                "prices": [
                    _("An order is negotiated in at most %(most)s rounds; this one has had them.")
                    % {"most": most}
                ]
            }
        )
    lines = list(order.lines.all())
    checked, problems = proposal_problems(order, lines, prices)
    if problems:
        raise InvalidInput(problems)
    if negotiation is None:
        negotiation = Negotiation.objects.create(
            order=order, opened_by=by, listed_total=order.total
        )
    round_ = NegotiationRound.objects.create(
        negotiation=negotiation, number=used + 1, proposed_by=by
    )
    NegotiationPrice.objects.bulk_create(
        NegotiationPrice(
            round=round_,
            line=line,
            listed_price=line.unit_price,
            proposed_price=checked[line.pk],
        )
        for line in lines
        if line.pk in checked
    )
    total = _total_at(lines, checked)
    _record(
        order,
        NEGOTIATION_PROPOSE,
        by,
        total=total,
        round=round_.number,
        prices={str(line_id): price for line_id, price in checked.items()},
        proposed_total=total,
    )
    return negotiation


@implements(NEGOTIATION_COUNTER)
@action
def negotiation_counter(
    *, order: PurchaseOrder, by: User, prices: dict, answering=None
) -> Negotiation:
    """The vendor answers a proposal with its own prices, each between the proposal and the
    listed price; a line it does not name stays at the listed price."""
    order = lock_for_step(order, NEGOTIATION_COUNTER, by)
    negotiation, last = _open(order, by, sides=(Actor.VENDOR,), answering=answering)
    lines = list(order.lines.all())
    checked, problems = counter_problems(last, lines, prices)
    if problems:
        raise InvalidInput(problems)
    countered = {}
    for price in last.prices.all():
        price.countered_price = checked.get(price.line_id, price.listed_price)
        price.save(update_fields=["countered_price"])
        countered[price.line_id] = price.countered_price
    _answer(last, RoundAnswer.COUNTERED, by)
    total = _total_at(lines, countered)
    _record(
        order,
        NEGOTIATION_COUNTER,
        by,
        total=total,
        round=last.number,
        prices={str(line_id): price for line_id, price in countered.items()},
        countered_total=total,
    )
    return negotiation


def _answer(last: NegotiationRound, answer: str, by, reason: str = "") -> None:
    last.answer, last.answered_by, last.answered_at = answer, by, timezone.now()
    last.reason = reason
    last.save(update_fields=["answer", "answered_by", "answered_at", "reason"])


def _close(negotiation: Negotiation, status: str, agreed_total: int | None = None) -> None:
    negotiation.status, negotiation.closed_at = status, timezone.now()
    negotiation.agreed_total = agreed_total
    negotiation.save(update_fields=["status", "closed_at", "agreed_total"])


@implements(NEGOTIATION_ACCEPT)
@action
def negotiation_accept(*, order: PurchaseOrder, by: User, answering=None) -> Negotiation:
    """The vendor accepts the requester's proposal, or the requester the vendor's counter: the
    agreed prices become the order's, its lines' totals and its total are priced again, and the
    difference is released from the budget line, all in this transaction."""
    order = lock_for_step(order, NEGOTIATION_ACCEPT, by)
    negotiation, last = _open(order, by, sides=(Actor.VENDOR, Actor.REQUESTER), answering=answering)
    lines = lock_all(order.lines.all())
    if last.answer == RoundAnswer.WAITING:
        agreed = {price.line_id: price.proposed_price for price in last.prices.all()}
        _answer(last, RoundAnswer.ACCEPTED, by)
    else:
        agreed = {price.line_id: price.countered_price for price in last.prices.all()}
    before = {line.pk: line.total for line in lines}
    for line in lines:
        if line.pk in agreed and agreed[line.pk] != line.unit_price:
            line.unit_price = agreed[line.pk]
            line.total = priced(line, line.quantity)
            line.save(update_fields=["unit_price", "total"])
    released = spend_of(order, lines, lambda line: before[line.pk] - line.total)
    if released.total:
        budget_release(line=order.budget_line, spend=released)
    listed_total = order.total
    order.total = sum(line.total for line in lines)
    _close(negotiation, NegotiationStatus.AGREED, agreed_total=order.total)
    _record(
        order,
        NEGOTIATION_ACCEPT,
        by,
        total=order.total,
        round=last.number,
        prices={str(line_id): price for line_id, price in agreed.items()},
        listed_total=listed_total,
        agreed_total=order.total,
        released=released.total,
    )
    return negotiation


@implements(NEGOTIATION_DECLINE)
@action
def negotiation_decline(
    *, order: PurchaseOrder, by: User, reason: str = "", answering=None
) -> Negotiation:
    """The vendor keeps its listed prices: the negotiation is closed, the order unchanged."""
    order = lock_for_step(order, NEGOTIATION_DECLINE, by)
    if problems := decline_problems(reason):
        raise InvalidInput(problems)
    negotiation, last = _open(order, by, sides=(Actor.VENDOR,), answering=answering)
    reason = (reason or "").strip()
    _answer(last, RoundAnswer.DECLINED, by, reason)
    _close(negotiation, NegotiationStatus.DECLINED)
    _record(order, NEGOTIATION_DECLINE, by, total=order.total, round=last.number, reason=reason)
    return negotiation


@implements(NEGOTIATION_WITHDRAW)
@action
def negotiation_withdraw(*, order: PurchaseOrder, by: User) -> Negotiation:
    """The requester ends the negotiation at any move; the order keeps its prices."""
    order = lock_for_step(order, NEGOTIATION_WITHDRAW, by)
    negotiation = open_negotiation(order)
    if negotiation is None:
        raise Conflict(
            _("Order %(number)s has no open price negotiation.") % {"number": order.number},
            code="no_negotiation",
        )
    _close(negotiation, NegotiationStatus.WITHDRAWN)
    _record(
        order,
        NEGOTIATION_WITHDRAW,
        by,
        total=order.total,
        round=negotiation.round_count,
    )
    return negotiation


# --- what a person sees of it and may do next (pages and the API) --------------------------


@dataclass(frozen=True)
class NegotiationView:
    """An order's negotiations (newest last) with their rounds and prices, whose move it is,
    the rounds used and allowed, and the moves this person may make now (step names)."""

    negotiations: list[Negotiation]
    rounds_used: int
    rounds_most: int
    turn: str | None
    last: NegotiationRound | None
    moves: tuple[str, ...]

    @property
    def open(self) -> Negotiation | None:
        latest = self.negotiations[-1] if self.negotiations else None
        return latest if latest and latest.status == NegotiationStatus.OPEN else None


def negotiation_view(user, order: PurchaseOrder) -> NegotiationView:
    """Read in a fixed number of queries, whatever the rounds and lines."""
    negotiations = list(
        Negotiation.objects.filter(order=order)
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=NegotiationRound.objects.order_by("number").select_related(
                    "proposed_by", "answered_by"
                ),
            ),
            Prefetch(
                "rounds__prices",
                queryset=NegotiationPrice.objects.order_by("line_id").select_related("line"),
            ),
        )
    )
    rounds = [round_ for negotiation in negotiations for round_ in negotiation.rounds.all()]
    lines = list(order.lines.all())
    for round_ in rounds:  # the order's total at each side's prices
        prices = list(round_.prices.all())
        round_.proposed_total = _total_at(lines, {p.line_id: p.proposed_price for p in prices})
        round_.countered_total = (
            _total_at(lines, {p.line_id: p.countered_price for p in prices})
            if round_.answer == RoundAnswer.COUNTERED
            else None
        )
    latest = negotiations[-1] if negotiations else None
    last = latest.rounds.all()[len(latest.rounds.all()) - 1] if latest else None
    turn = turn_of(latest, last)
    most = rounds_most(order)
    moves: list[str] = []
    if order.status in NEGOTIATION_PROPOSE.sources:
        requester = may_act(user, order, NEGOTIATION_PROPOSE)
        agreed = any(n.status == NegotiationStatus.AGREED for n in negotiations)
        if requester and not agreed and len(rounds) < most and turn in (None, Actor.REQUESTER):
            moves.append(NEGOTIATION_PROPOSE.name)
        if turn == Actor.VENDOR and may_act(user, order, NEGOTIATION_COUNTER):
            moves += [NEGOTIATION_ACCEPT.name, NEGOTIATION_COUNTER.name, NEGOTIATION_DECLINE.name]
        if turn == Actor.REQUESTER and requester:
            moves.append(NEGOTIATION_ACCEPT.name)
        if turn is not None and may_act(user, order, NEGOTIATION_WITHDRAW):
            moves.append(NEGOTIATION_WITHDRAW.name)
    return NegotiationView(
        negotiations=negotiations,
        rounds_used=len(rounds),
        rounds_most=most,
        turn=turn,
        last=last,
        moves=tuple(moves),
    )
