"""The API of an order's price negotiation: `GET /orders/{id}/negotiation/` and one POST per
move (propose, counter, accept, decline, withdraw), each with its own input, all answering with
the negotiation as it stands. Who may make a move is checked before the body is read; an
`Idempotency-Key` makes a retry of a move safe (the prices, and the budget with them, move)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from market.bounds import NOTE_LENGTH
from market.rest import ServiceInputSerializer, refusal, run_serializer
from orders.actions import (
    NEGOTIATION_ACCEPT,
    NEGOTIATION_COUNTER,
    NEGOTIATION_DECLINE,
    NEGOTIATION_PROPOSE,
    NEGOTIATION_WITHDRAW,
    OrderAction,
)
from orders.idempotency import idempotent
from orders.selectors import orders_visible_to
from orders.services import negotiation, transitions

MOST_ROUND = 100  # far above any policy's rounds: a round named is only ever compared
PRICE_TEXT = 20  # the digits of the largest price, grouped


class PriceSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line_id")
    product = serializers.CharField(source="line.product_name")
    quantity = serializers.DecimalField(source="line.quantity", max_digits=15, decimal_places=3)
    unit = serializers.CharField(source="line.unit")
    listed_price = serializers.IntegerField()
    proposed_price = serializers.IntegerField()
    countered_price = serializers.IntegerField(allow_null=True)


class RoundSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    proposed_by = serializers.CharField(source="proposed_by.display_name")
    proposed_at = serializers.DateTimeField()
    answer = serializers.CharField(help_text="empty while the vendor has not answered")
    answered_by = serializers.CharField(source="answered_by.display_name", allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    proposed_total = serializers.IntegerField(help_text="the order's total at the proposal")
    countered_total = serializers.IntegerField(
        allow_null=True, help_text="the order's total at the vendor's counter"
    )
    prices = PriceSerializer(many=True)


class NegotiationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    listed_total = serializers.IntegerField()
    agreed_total = serializers.IntegerField(allow_null=True)
    rounds = RoundSerializer(many=True)


class NegotiationStateSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="order.pk")
    number = serializers.CharField(source="order.number")
    order_status = serializers.CharField(source="order.status")
    total = serializers.IntegerField(source="order.total")
    rounds_used = serializers.IntegerField(source="view.rounds_used")
    rounds_most = serializers.IntegerField(
        source="view.rounds_most", help_text="the fiscal year's policy (e-Katalog: 2)"
    )
    turn = serializers.CharField(
        source="view.turn", allow_null=True, help_text="requester or vendor; null when closed"
    )
    moves = serializers.ListField(
        source="view.moves",
        child=serializers.CharField(),
        help_text="what you may do now: negotiation_propose, _counter, _accept, _decline, "
        "_withdraw",
    )
    negotiations = NegotiationSerializer(source="view.negotiations", many=True)


def _state(request, order) -> Response:
    order = orders_visible_to(request.user).get(pk=order.pk)  # as it stands after the move
    view = negotiation.negotiation_view(request.user, order)
    return Response(NegotiationStateSerializer({"order": order, "view": view}).data)


class NegotiationApi(APIView):
    """An order's price negotiations: their rounds and prices, whose move it is, and the moves
    you may make now."""

    @extend_schema(
        operation_id="orders_negotiation",
        responses={200: NegotiationStateSerializer, 404: refusal(404)},
    )
    def get(self, request, pk):
        order = get_object_or_404(orders_visible_to(request.user), pk=pk)
        return _state(request, order)


class _OrderInput(ServiceInputSerializer):
    answering = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MOST_ROUND,
        help_text="the round you answer: refused (409) when the negotiation has moved on",
    )

    @property
    def order(self):
        return self.context["order"]


def _prices_field(help_text: str) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(max_length=PRICE_TEXT, allow_blank=True, allow_null=True),
        help_text=help_text,
    )


class _MoveApi(APIView):
    step: OrderAction
    InputSerializer: type[serializers.Serializer]

    def post(self, request, pk):
        order = get_object_or_404(orders_visible_to(request.user), pk=pk)
        transitions.actor_check(request.user, order, self.step)
        return idempotent(
            request,
            run=lambda: run_serializer(
                self.InputSerializer(data=request.data, context={"order": order}),
                lambda values: self.step.service(order=order, by=request.user, **values),
            ),
            respond=lambda reference: _state(request, order),
        )


def _documented(view: type[_MoveApi]) -> type[_MoveApi]:
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"orders_{view.step.name}",
            summary=str(view.step.label),
            request=view.InputSerializer,
            responses={
                200: NegotiationStateSerializer,
                403: refusal(403),
                404: refusal(404),
                409: refusal(409),
            },
        )
    )(view)


@_documented
class NegotiationProposeApi(_MoveApi):
    """The requester proposes lower unit prices ({line id: unit price in whole rupiah}); lines
    not named keep their price. Opens a negotiation, or the next round on the vendor's counter."""

    step = NEGOTIATION_PROPOSE

    class InputSerializer(_OrderInput):
        prices = _prices_field("{line id: proposed unit price}, each above zero and below now")

        def problems(self, values: dict) -> dict:
            lines = list(self.order.lines.all())
            return negotiation.proposal_problems(self.order, lines, values.get("prices"))[1]


@_documented
class NegotiationCounterApi(_MoveApi):
    """The vendor counters: for lines of the proposal, a price from the proposed up to the
    listed price; lines not named stay at the listed price."""

    step = NEGOTIATION_COUNTER

    class InputSerializer(_OrderInput):
        prices = _prices_field("{line id: your unit price}, between the proposal and the listing")

        def problems(self, values: dict) -> dict:
            open_ = negotiation.open_negotiation(self.order)
            last = negotiation.last_round(open_) if open_ else None
            lines = list(self.order.lines.all())
            return negotiation.counter_problems(last, lines, values.get("prices"))[1]


@_documented
class NegotiationAcceptApi(_MoveApi):
    """The vendor accepts the proposal, or the requester the vendor's counter: the prices become
    the order's and the budget commitment falls to its new total."""

    step = NEGOTIATION_ACCEPT

    class InputSerializer(_OrderInput):
        pass


@_documented
class NegotiationDeclineApi(_MoveApi):
    """The vendor keeps its listed prices; the negotiation closes and the order waits for the
    PPK at its listed total."""

    step = NEGOTIATION_DECLINE

    class InputSerializer(_OrderInput):
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=NOTE_LENGTH
        )

        def problems(self, values: dict) -> dict:
            return negotiation.decline_problems(values.get("reason"))


@_documented
class NegotiationWithdrawApi(_MoveApi):
    """The requester ends the negotiation; the order keeps its prices."""

    step = NEGOTIATION_WITHDRAW

    class InputSerializer(ServiceInputSerializer):
        pass


MOVES = {
    view.step.name.removeprefix("negotiation_"): view
    for view in (
        NegotiationProposeApi,
        NegotiationCounterApi,
        NegotiationAcceptApi,
        NegotiationDeclineApi,
        NegotiationWithdrawApi,
    )
}
