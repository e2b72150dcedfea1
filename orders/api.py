"""REST endpoints of the orders app: cart, checkout, orders and their actions, standing orders."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from market.models import Department, DepartmentRole, User
from market.money import round_rupiah
from market.permissions import departments_where
from orders import documents
from orders.idempotency import idempotent
from orders.models import OrderStatus, PurchaseOrder, StandingOrder
from orders.selectors import (
    cart_of,
    order_filter,
    order_receipts,
    order_timeline,
    orders_visible_to,
    standing_orders_visible_to,
    vendor_inbox,
)
from orders.services import placing, standing, transitions
from procurement.models import BudgetLine


def _requester_department(user, code: str | None) -> Department:
    departments = departments_where(user, DepartmentRole.REQUESTER)
    department = departments.filter(code__iexact=code).first() if code else departments.first()
    if department is None:
        raise Http404
    return department


class CartApi(APIView):
    """The signed-in requester's cart for a department (`?department=CODE`, default the first)."""

    class OutputSerializer(serializers.Serializer):
        class ItemSerializer(serializers.Serializer):
            product = serializers.IntegerField(source="product_id")
            name = serializers.CharField(source="product.name")
            vendor = serializers.CharField(source="product.vendor.display_name")
            unit = serializers.CharField(source="product.unit")
            unit_price = serializers.IntegerField(source="product.unit_price")
            quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

        department = serializers.CharField()
        items = ItemSerializer(many=True)
        estimated_total = serializers.IntegerField()

    @extend_schema(parameters=[OpenApiParameter("department", str)], responses=OutputSerializer)
    def get(self, request):
        department = _requester_department(request.user, request.query_params.get("department"))
        return Response(_cart_body(request, department))


class CartItemsApi(APIView):
    """Put a product in the cart, or change its quantity."""

    class InputSerializer(serializers.Serializer):
        department = serializers.CharField(required=False)
        product = serializers.IntegerField()
        quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

    @extend_schema(request=InputSerializer, responses={201: CartApi.OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        department = _requester_department(request.user, data.validated_data.get("department"))
        placing.cart_set_item(
            user=request.user,
            department=department,
            product_id=data.validated_data["product"],
            quantity=data.validated_data["quantity"],
        )
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
        quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

    @extend_schema(request=InputSerializer, responses=CartApi.OutputSerializer)
    def patch(self, request, product_id):
        department = _requester_department(request.user, request.query_params.get("department"))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        placing.cart_set_item(
            user=request.user,
            department=department,
            product_id=product_id,
            quantity=data.validated_data["quantity"],
        )
        return Response(_cart_body(request, department))

    @extend_schema(responses=CartApi.OutputSerializer)
    def delete(self, request, product_id):
        department = _requester_department(request.user, request.query_params.get("department"))
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


class OrderDetailSerializer(OrderSummarySerializer):
    class LineSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        product = serializers.IntegerField(source="product_id")
        product_name = serializers.CharField()
        unit = serializers.CharField()
        unit_price = serializers.IntegerField()
        quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
        total = serializers.IntegerField()
        shipped_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
        received_quantity = serializers.DecimalField(max_digits=12, decimal_places=3)

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
    timeline = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

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
            "timeline",
            "documents",
        ]

    def get_allowed_actions(self, order) -> list[str]:
        return transitions.allowed_actions(self.context["request"].user, order)

    def get_timeline(self, order) -> list[dict]:
        return self.EventSerializer(order_timeline(order), many=True).data

    def get_documents(self, order) -> list[dict]:
        request = self.context["request"]
        return [
            {"kind": kind, "title": str(title), "url": request.build_absolute_uri(url)}
            for kind, title, url in documents.available(order, order_receipts(order))
        ]


class OrderListApi(generics.ListAPIView):
    """Orders the signed-in person may see. Filters: status, department, vendor, date_from,
    date_to (YYYY-MM-DD), search (by number)."""

    serializer_class = OrderSummarySerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
        department = serializers.CharField(required=False)
        vendor = serializers.IntegerField(required=False)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        search = serializers.CharField(required=False)

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return orders_visible_to(self.request.user)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        data["number"] = data.pop("search", "")
        return order_filter(self.base_queryset(), **data).order_by("-created_at", "-id")


class VendorOrderListApi(OrderListApi):
    """The vendor's inbox: its orders from approval on."""

    def base_queryset(self):
        return vendor_inbox(self.request.user)


class OrderDetailApi(generics.RetrieveAPIView):
    serializer_class = OrderDetailSerializer

    def get_queryset(self):
        return orders_visible_to(self.request.user)


class CheckoutApi(APIView):
    """Turn the cart into one submitted purchase order per vendor (all or none).
    Send an `Idempotency-Key` header to make a retry safe."""

    class InputSerializer(serializers.Serializer):
        department = serializers.CharField()
        budget_line = serializers.IntegerField()
        approver = serializers.CharField(help_text="username of the department's PPK")
        delivery_address = serializers.CharField()
        delivery_date = serializers.DateField()
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: OrderSummarySerializer(many=True)})
    def post(self, request):
        def handler():
            data = self.InputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            department = _requester_department(request.user, values["department"])
            line = BudgetLine.objects.filter(pk=values["budget_line"]).first()
            approver = User.objects.filter(username=values["approver"], is_active=True).first()
            if line is None or approver is None:
                raise serializers.ValidationError(
                    {
                        **({"budget_line": [_("No such budget line.")]} if line is None else {}),
                        **({"approver": [_("No such person.")]} if approver is None else {}),
                    }
                )
            orders = placing.cart_checkout(
                user=request.user,
                department=department,
                budget_line=line,
                approver=approver,
                delivery_address=values["delivery_address"],
                delivery_date=values["delivery_date"],
                notes=values["notes"],
            )
            return Response(
                OrderSummarySerializer(orders, many=True).data, status=status.HTTP_201_CREATED
            )

        return idempotent(request, handler)


class OrderActionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    quantities = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=3),
        required=False,
        default=dict,
        help_text="ship/receive: {line id: quantity}",
    )
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    signed_by_name = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    sp2d_number = serializers.CharField(required=False, allow_blank=True, default="")
    sp2d_date = serializers.DateField(required=False, allow_null=True, default=None)


class OrderActionApi(APIView):
    """`POST /orders/{id}/<action>/`: approve, reject, cancel, accept, decline, ship, receive,
    invoice, pay, close. Send an `Idempotency-Key` header to make a retry safe."""

    action_name = ""

    @extend_schema(request=OrderActionInputSerializer, responses=OrderDetailSerializer)
    def post(self, request, pk):
        def handler():
            order = get_object_or_404(orders_visible_to(request.user), pk=pk)
            data = OrderActionInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            transitions.order_act(
                order=order, action=self.action_name, by=request.user, values=data.validated_data
            )
            fresh = orders_visible_to(request.user).get(pk=pk)
            return Response(OrderDetailSerializer(fresh, context={"request": request}).data)

        return idempotent(request, handler)


class OrderDocumentApi(APIView):
    """An order's documents as PDF: `purchase-order`, `invoice`, `receipt`, `bast-<n>`."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk, kind):
        order = get_object_or_404(orders_visible_to(request.user), pk=pk)
        return documents.pdf_response(order, kind)


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
    """Standing orders of the person's departments; POST schedules one."""

    serializer_class = StandingOrderSerializer

    class InputSerializer(serializers.Serializer):
        class ItemSerializer(serializers.Serializer):
            product = serializers.IntegerField()
            quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)

        department = serializers.CharField()
        name = serializers.CharField(max_length=150)
        budget_line = serializers.IntegerField()
        approver = serializers.CharField()
        day_of_month = serializers.IntegerField()
        start_date = serializers.DateField()
        end_date = serializers.DateField()
        delivery_address = serializers.CharField()
        lead_days = serializers.IntegerField(min_value=0, max_value=60, default=7)
        items = ItemSerializer(many=True)

    def get_queryset(self):
        return standing_orders_visible_to(self.request.user).order_by("pk")

    @extend_schema(request=InputSerializer, responses={201: StandingOrderSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        department = _requester_department(request.user, values["department"])
        line = get_object_or_404(BudgetLine, pk=values["budget_line"])
        approver = User.objects.filter(username=values["approver"]).first()
        if approver is None:
            raise serializers.ValidationError({"approver": [_("No such person.")]})
        created = standing.standing_order_create(
            by=request.user,
            department=department,
            name=values["name"],
            budget_line=line,
            approver=approver,
            day_of_month=values["day_of_month"],
            start_date=values["start_date"],
            end_date=values["end_date"],
            delivery_address=values["delivery_address"],
            lead_days=values["lead_days"],
            items=[placing.Item(item["product"], item["quantity"]) for item in values["items"]],
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
        return Response(StandingOrderSerializer(standing_order).data)
