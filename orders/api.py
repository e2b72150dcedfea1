"""REST endpoints of the orders app: cart, checkout, orders and their actions, standing orders."""

from collections.abc import Mapping

import stripe
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from market.bounds import ADDRESS_LENGTH, MAX_RUPIAH, NAME_LENGTH, NOTE_LENGTH, whole_number
from market.errors import DomainError, InvalidInput, NotAllowed
from market.models import Department, DepartmentRole, User
from market.money import round_rupiah
from market.parsers import JSONParser
from market.permissions import ReadsDepartments, departments_where, readable_department_or_404
from market.rest import PublicApiView, ServiceInputSerializer, refusal, run_serializer
from orders import documents, ocds, stripe_gateway
from orders.actions import PAY, OrderAction
from orders.documents import export_file_response
from orders.idempotency import idempotent
from orders.models import (
    PROVIDER_ID_LENGTH,
    Export,
    OrderStatus,
    PurchaseOrder,
    StandingOrder,
)
from orders.selectors import (
    cart_of,
    checkout_preview,
    export_to_download,
    exports_downloadable,
    exports_of,
    order_filter,
    order_invoices,
    order_payments,
    order_receipts,
    order_timeline,
    orders_listed_for,
    orders_visible_to,
    requester_department,
    response_deadline,
    standing_orders_visible_to,
    vendor_inbox,
)
from orders.services import exports, payments, placing, standing, transitions
from orders.services.payments import CardPayment
from orders.taxes import vendor_preview
from procurement.models import BudgetLine
from procurement.selectors import report_fiscal_year
from vendors.permissions import ActsForAVendor, acts_for, vendor_of


def quantity_field() -> serializers.CharField:
    # Parsed by the services, which say what is wrong with it in the order's own terms.
    return serializers.CharField(max_length=30, help_text="a decimal number, e.g. 12.5")


def _requester_department(request) -> Department:
    """The department whose cart a request's address names (`?department=CODE`, else the
    requester's first): 404 for one that is not theirs, and for someone who orders for none
    (they have no cart to see)."""
    department = requester_department(request.user, request.query_params.get("department"))
    if department is None:
        raise Http404
    return department


def _department_named(request, code) -> Department:
    """The department a request's body names: input, so a code that is not one of the
    requester's departments (or none at all) is refused naming the field, as a budget line of
    another department is; no code, the address's or the first."""
    if not code:
        return _requester_department(request)
    department = requester_department(request.user, code)
    if department is None:
        yours = departments_where(request.user, DepartmentRole.REQUESTER).order_by("code")
        raise InvalidInput(
            {
                "department": [
                    _("Choose a department you order for: %(codes)s.")
                    % {"codes": ", ".join(yours.values_list("code", flat=True))}
                ]
            }
        )
    return department


def _body_code(request):
    return request.data.get("department") if isinstance(request.data, Mapping) else None


@extend_schema_field(OpenApiTypes.STR)
class DepartmentField(serializers.CharField):
    """A body's `department`: the code of one the requester orders for (_department_named),
    read as that department. Needs the request in the serializer's context."""

    def __init__(self, **options):
        super().__init__(max_length=20, **options)

    def run_validation(self, data=serializers.empty):
        code = super().run_validation(data)  # a code, checked as text
        try:
            return _department_named(self.context["request"], code)
        except InvalidInput as refused:
            raise serializers.ValidationError(refused.fields["department"]) from None


def _frame_values(values: dict) -> dict:
    """An order's frame as the services take it, from an API input's values (those that
    passed their checks): the budget line and the PPK it names, found in its department."""
    frame = {name: value for name, value in values.items() if name not in ("budget_line",)}
    if "approver" in values:
        frame["approver"] = _approver(values["approver"])
    if "budget_line" in values and values.get("department") is not None:
        frame["budget_line"] = _budget_line_of(values["department"], values["budget_line"])
    return frame


# `?department=CODE`: which of the requester's departments (404 for one not theirs; a body's
# `department` is input instead: 400 naming the field).
DEPARTMENT_PARAMETER = OpenApiParameter("department", str)


class CartApi(APIView):
    """The signed-in requester's cart for a department (`?department=CODE`, default the first)."""

    class OutputSerializer(serializers.Serializer):
        class ItemSerializer(serializers.Serializer):
            product = serializers.IntegerField(source="product_id")
            name = serializers.CharField(source="product.name")
            vendor = serializers.CharField(source="product.vendor.display_name")
            unit = serializers.CharField(source="product.unit")
            unit_label = serializers.CharField(
                source="product.get_unit_display", help_text="the unit in the reader's language"
            )
            unit_price = serializers.IntegerField(source="product.unit_price")
            quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

        department = serializers.CharField()
        items = ItemSerializer(many=True)
        estimated_total = serializers.IntegerField()

    @extend_schema(
        parameters=[DEPARTMENT_PARAMETER], responses={200: OutputSerializer, 404: refusal(404)}
    )
    def get(self, request):
        department = _requester_department(request)
        return Response(_cart_body(request, department))


class EvaluationSerializer(serializers.Serializer):
    """The policy's verdict on a cart, and the department's quota position after it."""

    class PositionSerializer(serializers.Serializer):
        allocated = serializers.IntegerField(help_text="the department's budget this year")
        before = serializers.IntegerField(help_text="spent with small businesses so far")
        after = serializers.IntegerField(help_text="... with these orders too")
        share_before = serializers.DecimalField(max_digits=5, decimal_places=1)
        share_after = serializers.DecimalField(max_digits=5, decimal_places=1)
        target = serializers.DecimalField(max_digits=5, decimal_places=2)
        pace = serializers.DecimalField(max_digits=5, decimal_places=1)
        text = serializers.CharField(source="describe")

    class FindingSerializer(serializers.Serializer):
        vendor = serializers.IntegerField(source="vendor_id", allow_null=True)
        message = serializers.CharField()

    position = PositionSerializer()
    violations = FindingSerializer(many=True)
    warnings = FindingSerializer(many=True)


class CartPreviewApi(APIView):
    """What checking out the cart now would do, without doing it: the policy's violations
    (which would block it) and warnings, and the department's small-business share before and
    after (`?department=CODE`, default the first)."""

    @extend_schema(
        request=None,
        parameters=[DEPARTMENT_PARAMETER],
        responses={200: EvaluationSerializer, 404: refusal(404)},
    )
    def post(self, request):
        _requester_department(request)  # someone with no cart: 404, before reading the body
        department = _department_named(request, _body_code(request))
        evaluation = checkout_preview(user=request.user, department=department)
        if evaluation is None:
            raise InvalidInput({"items": [_("The cart is empty.")]})
        return Response(EvaluationSerializer(evaluation).data)


class CartItemsApi(APIView):
    """Add a product to the cart; a product already there gets the quantity added."""

    class InputSerializer(serializers.Serializer):
        department = DepartmentField(required=False)
        product = serializers.IntegerField(min_value=1)
        quantity = quantity_field()

    @extend_schema(
        request=InputSerializer, responses={201: CartApi.OutputSerializer, 404: refusal(404)}
    )
    def post(self, request):
        _requester_department(request)  # someone with no cart: 404, before reading the body

        def add(values):
            department = values.get("department") or _requester_department(request)
            placing.cart_add_item(
                user=request.user,
                department=department,
                product_id=values["product"],
                quantity=values["quantity"],
            )
            return department

        serializer = self.InputSerializer(data=request.data, context={"request": request})
        department = run_serializer(serializer, add)
        return Response(_cart_body(request, department), status=status.HTTP_201_CREATED)


def _cart_body(request, department):
    cart = cart_of(request.user, department)
    items = list(cart.items.all()) if cart else []
    total = sum(round_rupiah(item.quantity * item.product.unit_price) for item in items)
    return CartApi.OutputSerializer(
        {"department": department.code, "items": items, "estimated_total": total}
    ).data


class CartItemApi(APIView):
    """PATCH a cart item's quantity or DELETE it (`?department=CODE`)."""

    class InputSerializer(serializers.Serializer):
        quantity = quantity_field()

    @extend_schema(
        request=InputSerializer,
        parameters=[DEPARTMENT_PARAMETER],
        responses=CartApi.OutputSerializer,
    )
    def patch(self, request, product_id):
        department = _requester_department(request)
        run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: placing.cart_set_item(
                user=request.user,
                department=department,
                product_id=product_id,
                quantity=values["quantity"],
            ),
        )
        return Response(_cart_body(request, department))

    @extend_schema(parameters=[DEPARTMENT_PARAMETER], responses={200: CartApi.OutputSerializer})
    def delete(self, request, product_id):
        department = _requester_department(request)
        placing.cart_remove_item(user=request.user, department=department, product_id=product_id)
        return Response(_cart_body(request, department))


class OrderSummarySerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    vendor = serializers.CharField(source="vendor.display_name")
    vendor_id = serializers.IntegerField()
    budget_line = serializers.CharField(source="budget_line.account_code")

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "status",
            "department",
            "vendor",
            "vendor_id",
            "budget_line",
            "total",
            "delivery_date",
            "created_at",
        ]


class IncomeTaxSerializer(serializers.Serializer):
    kind = serializers.CharField(
        source="income_tax_kind", help_text="pph22, pp55_final or none (PMK 59/2022, PP 55/2022)"
    )
    rate = serializers.DecimalField(
        source="income_tax_rate", max_digits=5, decimal_places=2, allow_null=True
    )
    amount = serializers.IntegerField(source="income_tax", allow_null=True, help_text="rupiah")


class TaxFiguresSerializer(serializers.Serializer):
    """An invoice's or payment's taxes (procurement.taxes): what was expected when it was
    issued, what was collected once paid. Null for those paid before taxes were kept."""

    price_excluding_ppn = serializers.IntegerField(allow_null=True)
    ppn = serializers.IntegerField(allow_null=True, help_text="PPN in the price")
    ppn_collected = serializers.IntegerField(
        allow_null=True, help_text="PPN the treasurer (or the marketplace) collects"
    )
    income_tax = IncomeTaxSerializer(source="*")
    net_to_vendor = serializers.IntegerField(
        allow_null=True, help_text="rupiah transferred to the vendor"
    )


class OrderDetailSerializer(OrderSummarySerializer):
    class LineSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        product = serializers.IntegerField(source="product_id")
        product_name = serializers.CharField()
        unit = serializers.CharField()
        unit_label = serializers.CharField(
            source="get_unit_display", help_text="the unit in the reader's language"
        )
        unit_price = serializers.IntegerField()
        quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
        total = serializers.IntegerField()
        shipped_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
        received_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
        invoiced_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

    class InvoiceSerializer(TaxFiguresSerializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        amount = serializers.IntegerField(help_text="rupiah, what the department pays")
        final = serializers.BooleanField(help_text="issued when everything due was received")
        issued_at = serializers.DateTimeField()
        due_date = serializers.DateField(help_text="the day it should be paid by")
        paid_at = serializers.DateTimeField(allow_null=True)
        receipts = serializers.ListField(
            child=serializers.CharField(), source="receipt_numbers", help_text="the BASTs it bills"
        )

    class PaymentSerializer(TaxFiguresSerializer):
        id = serializers.IntegerField()
        invoice = serializers.IntegerField(source="invoice_id")
        method = serializers.CharField()
        status = serializers.CharField()
        amount = serializers.IntegerField(help_text="rupiah")
        paid_at = serializers.DateTimeField(allow_null=True)

    class EventSerializer(serializers.Serializer):
        time = serializers.DateTimeField(source="created_at")
        actor = serializers.CharField(source="actor_label")
        action = serializers.CharField()
        before = serializers.JSONField()
        after = serializers.JSONField()

    lines = LineSerializer(many=True)
    requester = serializers.CharField(source="requester.username")
    approver = serializers.CharField(source="approver.username")
    allowed_actions = serializers.SerializerMethodField()
    response_deadline = serializers.SerializerMethodField(
        help_text="the last day the vendor may accept or decline an approved order"
    )
    timeline = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    invoices = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    expected_net = serializers.SerializerMethodField(
        help_text="for the vendor: what the whole order brings after taxes, paid by treasury "
        "transfer (SP2D); null for anyone else"
    )
    buyer_payment_record = serializers.SerializerMethodField(
        help_text="for the vendor: how the department paid over the last 180 days (fewer than "
        "5 payments: a new buyer); null for anyone else"
    )

    class BuyerPaymentRecordSerializer(serializers.Serializer):
        median_working_days = serializers.DecimalField(
            max_digits=6, decimal_places=1, allow_null=True, coerce_to_string=False
        )
        share_on_time = serializers.DecimalField(
            max_digits=5,
            decimal_places=1,
            allow_null=True,
            coerce_to_string=False,
            help_text="% paid within the policy's target",
        )
        target_working_days = serializers.IntegerField(source="target_days")
        payments = serializers.IntegerField()
        new_buyer = serializers.BooleanField(source="is_new_buyer")

    class Meta(OrderSummarySerializer.Meta):
        fields = [
            *OrderSummarySerializer.Meta.fields,
            "requester",
            "approver",
            "delivery_address",
            "notes",
            "reason",
            "lines",
            "allowed_actions",
            "response_deadline",
            "invoices",
            "payments",
            "expected_net",
            "buyer_payment_record",
            "timeline",
            "documents",
        ]

    @extend_schema_field(InvoiceSerializer(many=True))
    def get_invoices(self, order) -> list[dict]:
        return self.InvoiceSerializer(order_invoices(order), many=True).data

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, order) -> list[dict]:
        return self.PaymentSerializer(order_payments(order), many=True).data

    def _vendor_preview(self, order):
        if not acts_for(self.context["request"].user, order.vendor_id):
            return None
        if not hasattr(self, "_preview"):
            self._preview = vendor_preview(order)
        return self._preview

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_expected_net(self, order) -> int | None:
        preview = self._vendor_preview(order)
        return preview.taxes.net_to_vendor if preview else None

    @extend_schema_field(BuyerPaymentRecordSerializer(allow_null=True))
    def get_buyer_payment_record(self, order) -> dict | None:
        preview = self._vendor_preview(order)
        return self.BuyerPaymentRecordSerializer(preview.record).data if preview else None

    def get_allowed_actions(self, order) -> list[str]:
        return [a.name for a in transitions.allowed_actions(self.context["request"].user, order)]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_response_deadline(self, order) -> str | None:
        deadline = response_deadline(order)
        return deadline.isoformat() if deadline else None

    def get_timeline(self, order) -> list[dict]:
        return self.EventSerializer(order_timeline(order), many=True).data

    def get_documents(self, order) -> list[dict]:
        request = self.context["request"]
        return [
            {"kind": kind, "title": str(title), "url": request.build_absolute_uri(url)}
            for kind, title, url in documents.available(order, order_receipts(order), request.user)
        ]


class OrderListApi(generics.ListAPIView):
    """Orders the signed-in person may see. Filters: status, department, vendor, date_from,
    date_to (YYYY-MM-DD), search (by number)."""

    serializer_class = OrderSummarySerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
        department = serializers.CharField(required=False)
        vendor = serializers.IntegerField(required=False, min_value=1, max_value=2**53)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        search = serializers.CharField(required=False)

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return orders_listed_for(self.request.user)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        data["number"] = data.pop("search", "")
        if data.get("department") and vendor_of(self.request.user) is None:
            # Department staff narrow the list to one of their departments (another: 404, as
            # its report answers); a vendor's filter names a buyer of its own orders.
            readable_department_or_404(self.request.user, data["department"])
        return order_filter(self.base_queryset(), **data).order_by("-created_at", "-id")


class VendorOrderListApi(OrderListApi):
    """The vendor's inbox: its orders from approval on."""

    permission_classes = [ActsForAVendor]

    def base_queryset(self):
        return vendor_inbox(self.request.user)


class OrderDetailApi(generics.RetrieveAPIView):
    serializer_class = OrderDetailSerializer

    def get_queryset(self):
        return orders_visible_to(self.request.user)


def _budget_line_of(department: Department, pk) -> BudgetLine | None:
    return BudgetLine.objects.filter(department=department, pk=pk).first() if pk else None


def _approver(username) -> User | None:
    return User.objects.filter(username=username, is_active=True).first() if username else None


class CheckoutApi(APIView):
    """Turn the cart into one submitted purchase order per vendor (all or none).

    Every order is charged to `budget_line`, unless `budget_lines` names another line for a
    vendor ({vendor id: budget line id}). Send an `Idempotency-Key` header to make a retry safe.
    """

    class InputSerializer(ServiceInputSerializer):
        department = DepartmentField()
        budget_line = serializers.IntegerField(min_value=1)
        budget_lines = serializers.DictField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            default=dict,
            help_text="{vendor id: budget line id} for vendors charged to another line",
        )
        approver = serializers.CharField(
            max_length=150, help_text="username of the department's PPK"
        )
        delivery_address = serializers.CharField(max_length=ADDRESS_LENGTH)
        delivery_date = serializers.DateField()
        notes = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=NOTE_LENGTH
        )

        def validate_budget_lines(self, lines: dict) -> dict[int, int]:
            not_ids = {
                str(vendor_id): [_("Name the vendor by its id.")]
                for vendor_id in lines
                if whole_number(vendor_id) is None
            }
            if not_ids:
                raise serializers.ValidationError(not_ids)
            return {whole_number(vendor_id): line_id for vendor_id, line_id in lines.items()}

        def checkout_values(self, values: dict) -> dict:
            """The checkout service's arguments from the values that passed."""
            checkout = _frame_values(values)
            lines = checkout.pop("budget_lines", None)
            if lines is not None and values.get("department") is not None:
                checkout["budget_lines_by_vendor"] = {
                    vendor_id: _budget_line_of(values["department"], line_id)
                    for vendor_id, line_id in lines.items()
                }
            return checkout

        def problems(self, values: dict) -> dict:
            return placing.checkout_problems(
                requester=self.context["request"].user, values=self.checkout_values(values)
            )

    @extend_schema(
        request=InputSerializer,
        responses={201: OrderSummarySerializer(many=True), 404: refusal(404)},
    )
    def post(self, request):
        _requester_department(request)  # someone with no cart: 404, before reading the body
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        return idempotent(
            request,
            run=lambda: run_serializer(
                serializer,
                lambda values: placing.cart_checkout(
                    user=request.user, **serializer.checkout_values(values)
                ),
            ),
            reference=lambda orders: [order.pk for order in orders],
            respond=lambda ids: Response(
                OrderSummarySerializer(
                    orders_visible_to(request.user).filter(pk__in=ids).order_by("pk"), many=True
                ).data,
                status=status.HTTP_201_CREATED,
            ),
        )


class CardPaymentSerializer(serializers.Serializer):
    """What Stripe.js needs to confirm the card payment (stripe.confirmCardPayment)."""

    payment = serializers.IntegerField(source="payment.pk")
    attempt = serializers.IntegerField(source="payment.attempt")
    amount = serializers.IntegerField(source="payment.amount", help_text="rupiah")
    currency = serializers.CharField(default="idr")
    client_secret = serializers.CharField()
    publishable_key = serializers.CharField()
    status = serializers.CharField(source="payment.status")


class OrderActionApi(APIView):
    """`POST /orders/{id}/<action>/`, one endpoint per order action (orders.actions). Someone who
    may not take it is refused before the body is read. Send an `Idempotency-Key` header to make
    a retry safe."""

    order_action: OrderAction

    def post(self, request, pk):
        order = get_object_or_404(orders_visible_to(request.user), pk=pk)
        transitions.actor_check(request.user, order, self.order_action)
        action = self.order_action
        return idempotent(
            request,
            run=lambda: run_serializer(
                (action.input or serializers.Serializer)(
                    data=request.data, context={"request": request, "order": order}
                ),
                lambda values: action.service(order=order, by=request.user, **values),
            ),
            # A card payment is answered with what Stripe.js needs; any other step with the order.
            reference=lambda result: (
                {"card_payment": result.payment.pk} if isinstance(result, CardPayment) else None
            ),
            respond=lambda reference: self.answer(request, order, reference),
        )

    @staticmethod
    def answer(request, order, reference) -> Response:
        if reference and "card_payment" in reference:
            card = payments.card_payment_resume(order=order, payment_id=reference["card_payment"])
            return Response(CardPaymentSerializer(card).data, status=status.HTTP_201_CREATED)
        return Response(
            OrderDetailSerializer(
                orders_visible_to(request.user).get(pk=order.pk), context={"request": request}
            ).data
        )

    @classmethod
    def for_action(cls, action: OrderAction):
        """The endpoint of one action, its OpenAPI contract showing that action's input."""
        view = type(
            f"Order{action.name.title()}Api",
            (cls,),
            {"order_action": action, "__doc__": cls.__doc__},
        )
        responses = {200: OrderDetailSerializer}
        if action is PAY:  # a card payment starts here and is finished by Stripe.js
            responses[201] = CardPaymentSerializer
        return extend_schema_view(
            post=extend_schema(
                operation_id=f"orders_{action.name}",
                summary=str(action.label),
                request=action.input,
                responses=responses,
            )
        )(view).as_view()


class JsonText(serializers.CharField):
    """A JSON string as sent, never a number taken for one: the services read the body as is."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def provider_amount_field() -> serializers.IntegerField:
    most = stripe_gateway.to_provider(MAX_RUPIAH)
    return serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=most)


class StripeWebhookApi(APIView):
    """Stripe's events, signed with STRIPE_WEBHOOK_SECRET (`Stripe-Signature`, five minutes'
    tolerance): 400 when the signature fails; then 400 naming the field when the signed body is
    not an event; each event kept once by its id (a replay answers 200 and changes nothing);
    unknown types acknowledged and ignored."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        """What the services read of an event, each of its type; the rest is kept as sent."""

        class DataSerializer(serializers.Serializer):
            class ObjectSerializer(serializers.Serializer):
                class ErrorSerializer(serializers.Serializer):
                    message = JsonText(required=False, allow_null=True, allow_blank=True)

                id = JsonText(required=False, max_length=PROVIDER_ID_LENGTH)
                status = JsonText(required=False, max_length=50)
                currency = JsonText(required=False, max_length=10)
                amount = provider_amount_field()
                amount_received = provider_amount_field()
                last_payment_error = ErrorSerializer(required=False, allow_null=True)

            object = ObjectSerializer()

        id = JsonText(max_length=PROVIDER_ID_LENGTH)
        type = JsonText(max_length=100)
        data = DataSerializer()

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: inline_serializer(
                "WebhookOutput",
                {"received": serializers.BooleanField(), "outcome": serializers.CharField()},
            ),
            404: refusal(404),  # card payments are not enabled here
        },
    )
    def post(self, request):
        if not stripe_gateway.card_payments_enabled():
            raise NotFound()
        try:
            # The body exactly as sent: the signature is over these bytes. Checked before the
            # body is read: who sent it first, what it says after.
            stripe_gateway.webhook_verify(
                request._request.body, request.headers.get("Stripe-Signature")
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError):
            raise DomainError(
                _("The signature of this event is not valid."), code="bad_signature"
            ) from None
        self.InputSerializer(data=request.data).is_valid(raise_exception=True)
        event = stripe_gateway.event_of(request.data)
        outcome = payments.stripe_event_receive(event=event)
        return Response({"received": True, "outcome": outcome})


class OrderDocumentApi(APIView):
    """An order's documents as PDF: `purchase-order`, `invoice-<n>`, `kuitansi-<n>`, `bast-<n>`,
    `bukti-potong-<n>` (the vendor's and the treasurer's)."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk, kind):
        order = get_object_or_404(orders_visible_to(request.user), pk=pk)
        return documents.pdf_response(order, kind, request.user)


class StandingOrderSerializer(serializers.ModelSerializer):
    class ItemSerializer(serializers.Serializer):
        product = serializers.IntegerField(source="product_id")
        name = serializers.CharField(source="product.name")
        quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

    class RunSerializer(serializers.Serializer):
        period = serializers.DateField()
        outcome = serializers.CharField()
        message = serializers.CharField()

    department = serializers.CharField(source="department.code")
    budget_line = serializers.IntegerField(source="budget_line_id")
    items = ItemSerializer(many=True)
    runs = RunSerializer(many=True)

    class Meta:
        model = StandingOrder
        fields = [
            "id",
            "name",
            "department",
            "budget_line",
            "day_of_month",
            "start_date",
            "end_date",
            "delivery_address",
            "lead_days",
            "is_active",
            "items",
            "runs",
        ]


class StandingOrderListApi(generics.ListAPIView):
    """Standing orders of the person's departments; POST schedules one (a requester)."""

    serializer_class = StandingOrderSerializer
    permission_classes = [ReadsDepartments]

    class InputSerializer(ServiceInputSerializer):
        class ItemSerializer(serializers.Serializer):
            product = serializers.IntegerField(min_value=1)
            quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)

        department = DepartmentField()
        name = serializers.CharField(max_length=NAME_LENGTH, allow_blank=True)
        budget_line = serializers.IntegerField(min_value=1)
        approver = serializers.CharField(max_length=150)
        day_of_month = serializers.IntegerField()
        start_date = serializers.DateField()
        end_date = serializers.DateField()
        delivery_address = serializers.CharField(max_length=ADDRESS_LENGTH)
        lead_days = serializers.IntegerField(default=7)
        items = ItemSerializer(many=True, max_length=50)

        def standing_values(self, values: dict) -> dict:
            """The standing order service's arguments from the values that passed."""
            standing_order = _frame_values(values)
            if "items" in values:
                standing_order["items"] = [
                    placing.Item(item["product"], item["quantity"]) for item in values["items"]
                ]
            return standing_order

        def problems(self, values: dict) -> dict:
            return standing.standing_order_problems(
                requester=self.context["request"].user, values=self.standing_values(values)
            )

    def get_queryset(self):
        return standing_orders_visible_to(self.request.user).order_by("pk")

    @extend_schema(request=InputSerializer, responses={201: StandingOrderSerializer})
    def post(self, request):
        if not standing.may_schedule(request.user):  # first, before reading the body
            raise NotAllowed(standing.SCHEDULERS_ONLY)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        created = run_serializer(
            serializer,
            lambda values: standing.standing_order_create(
                by=request.user, **serializer.standing_values(values)
            ),
        )
        created = self.get_queryset().get(pk=created.pk)
        return Response(StandingOrderSerializer(created).data, status=status.HTTP_201_CREATED)


class StandingOrderDetailApi(generics.RetrieveAPIView):
    serializer_class = StandingOrderSerializer

    def get_queryset(self):
        return standing_orders_visible_to(self.request.user)


class StandingOrderStopApi(APIView):
    @extend_schema(request=None, responses=StandingOrderSerializer)
    def post(self, request, pk):
        standing_order = get_object_or_404(standing_orders_visible_to(request.user), pk=pk)
        standing.standing_order_stop(standing_order=standing_order, by=request.user)
        stopped = standing_orders_visible_to(request.user).get(pk=pk)
        return Response(StandingOrderSerializer(stopped).data)


class ExportSerializer(serializers.ModelSerializer):
    format = serializers.CharField(source="file_format")
    progress = serializers.IntegerField(help_text="percent written")
    download = serializers.SerializerMethodField(help_text="the file, for its owner, once ready")

    class Meta:
        model = Export
        fields = [
            "id",
            "kind",
            "format",
            "filters",
            "status",
            "progress",
            "rows_written",
            "error",
            "created_at",
            "finished_at",
            "download",
        ]

    def get_download(self, export) -> str | None:
        if export.pk not in self.context.get("downloadable", ()):
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:export-file", args=[export.pk])
        )


class YourExports:
    """Your own exports, each with a download link only where you may download it."""

    serializer_class = ExportSerializer

    def get_queryset(self):
        return exports_of(self.request.user)

    def get_serializer(self, instance=None, *args, **kwargs):
        shown = instance if isinstance(instance, list) else [instance] if instance else []
        kwargs["context"] = {
            **self.get_serializer_context(),
            "downloadable": exports_downloadable(self.request.user, shown),
        }
        return super().get_serializer(instance, *args, **kwargs)


class ExportListApi(YourExports, generics.ListAPIView):
    """Your exports, newest first; POST asks for one (202): it is written in the background."""

    permission_classes = [ReadsDepartments]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Export.Kind.choices)
        format = serializers.ChoiceField(choices=Export.Format.choices)
        fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
        department = serializers.CharField(required=False, max_length=20)
        group_by = serializers.ChoiceField(
            choices=["month", "category", "vendor_scale", "district", "vendor"],
            required=False,
            help_text="for spend",
        )
        indicator = serializers.CharField(required=False, max_length=30, help_text="for flags")
        status = serializers.CharField(required=False, max_length=10, help_text="for flags")
        vendor = serializers.IntegerField(
            required=False, min_value=1, max_value=2**53, help_text="for flags"
        )

    @extend_schema(request=InputSerializer, responses={202: ExportSerializer})
    def post(self, request):
        def ask(values):
            kind, file_format = values.pop("kind"), values.pop("format")
            filters = {name: value for name, value in values.items() if value is not None}
            return exports.export_request(
                by=request.user, kind=kind, file_format=file_format, filters=filters
            )

        export = run_serializer(self.InputSerializer(data=request.data), ask)
        fresh = exports_of(request.user).get(pk=export.pk)
        return Response(
            ExportSerializer(fresh, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ExportDetailApi(YourExports, generics.RetrieveAPIView):
    """One of your exports: its status, progress and, when ready, where to download it."""


class ExportFileApi(APIView):
    """The export's file, for the person who asked for it while its departments are still
    theirs (anyone else: 404)."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk):
        export = export_to_download(request.user, pk)
        if export is None:
            raise NotFound
        return export_file_response(export)


class PublicOcdsApi(PublicApiView):
    """Public, no login: an OCDS 1.1 release package of the fiscal year's purchase orders past
    approval, one release each, 50 at a time; the next ones are in the `Link` header (a release
    package has no place for them), read from where this one ended (`?after=`), so that every
    page costs the same however far in it is."""

    page_size = 50

    class FilterSerializer(serializers.Serializer):
        fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
        after = serializers.IntegerField(
            required=False, min_value=0, max_value=2**63 - 1, help_text="from the Link header"
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, 404: refusal(404)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        fiscal_year = report_fiscal_year(filters.validated_data.get("fiscal_year"))
        orders = (
            list(
                ocds.orders_for_open_data(fiscal_year, after=filters.validated_data.get("after"))[
                    : self.page_size + 1
                ]
            )
            if fiscal_year
            else []
        )
        if not orders:  # a release package holds at least one release
            raise NotFound(_("No purchase order of this year is past approval (on this page)."))
        more, orders = len(orders) > self.page_size, orders[: self.page_size]
        package = ocds.release_package(
            orders=orders,
            uri=request.build_absolute_uri(),
            publisher=str(orders[0].department.organisation),
        )
        response = Response(package)
        if more:
            response["Link"] = (
                f"<{request.build_absolute_uri(request.path)}?fiscal_year={fiscal_year.year}"
                f'&after={orders[-1].pk}>; rel="next"'
            )
        return response
