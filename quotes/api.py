"""Mini-competitions through the API: the buyer's side under /quotes/ (with the HPS), the
vendor's invitations and sealed offer under /vendor/quotes/ (without it), and the opened
quotes as OCDS releases under /public/ocds/quotes/. Offers are read only through
quotes.selectors.offers_visible_to: before opening, none and no count."""

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Category, Product, Unit
from market.bounds import ADDRESS_LENGTH, MAX_RUPIAH, NOTE_LENGTH, TITLE_LENGTH
from market.models import DepartmentRole, User, Village
from market.permissions import departments_where, has_department_role
from market.rest import PublicApiView, ServiceInputSerializer, refusal, run_serializer
from orders.idempotency import idempotent
from procurement.models import BudgetLine, FiscalYear
from procurement.selectors import fiscal_year_current
from quotes import services
from quotes.filters import QuoteFilter
from quotes.models import Offer, Quote
from quotes.ocds import quote_release_package
from quotes.selectors import (
    offers_visible_to,
    own_offer,
    public_quotes,
    quote_invitations_of,
    quotes_visible_to,
)
from vendors.permissions import ActsForAVendor, own_vendor_or_404


class OfferSerializer(serializers.ModelSerializer):
    vendor = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "vendor",
            "product",
            "unit_price",
            "delivery_date",
            "note",
            "status",
            "submitted_at",
            "rank",
            "comparison_price",
            "is_local_small",
            "above_estimate",
        ]

    def get_vendor(self, offer) -> dict:
        return {"id": offer.vendor_id, "name": offer.vendor.display_name}

    def get_product(self, offer) -> dict:
        return {"id": offer.product_id, "name": offer.product.name}


class QuoteSummarySerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    category = serializers.CharField(source="category.slug")

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "status",
            "department",
            "category",
            "title",
            "quantity",
            "unit",
            "closes_at",
        ]


class QuoteSerializer(QuoteSummarySerializer):
    """A quote on the buyer's side; `offers` is null until the offers are opened."""

    delivery_village = serializers.CharField(source="delivery_village.name")
    requester = serializers.CharField(source="requester.username")
    approver = serializers.CharField(source="approver.username")
    budget_line = serializers.CharField(source="budget_line.account_code")
    invited = serializers.SerializerMethodField()
    offers = serializers.SerializerMethodField(help_text="null while the offers are sealed")
    order = serializers.CharField(source="order.number", default=None)

    class Meta(QuoteSummarySerializer.Meta):
        fields = [
            *QuoteSummarySerializer.Meta.fields,
            "description",
            "delivery_village",
            "delivery_address",
            "delivery_date",
            "budget_line",
            "requester",
            "approver",
            "estimated_unit_price",
            "extended",
            "opened_at",
            "invited",
            "offers",
            "proposed_offer",
            "proposal_reason",
            "order",
            "cancel_reason",
        ]

    def get_invited(self, quote) -> list[dict]:
        return [
            {"id": invitation.vendor_id, "name": invitation.vendor.display_name}
            for invitation in quote.invitations.select_related("vendor")
        ]

    def get_offers(self, quote) -> list[dict] | None:
        if not quote.is_opened:
            return None
        offers = offers_visible_to(self.context["request"].user, quote)
        return OfferSerializer(offers, many=True).data


def _quote_or_404(request, pk) -> Quote:
    return get_object_or_404(quotes_visible_to(request.user), pk=pk)


def _detail(request, pk) -> Response:
    return Response(QuoteSerializer(_quote_or_404(request, pk), context={"request": request}).data)


class QuoteListApi(generics.ListAPIView):
    """Quotes of the person's departments (all of them for auditors and administrators);
    POST publishes a new one (requesters; the eligible vendors are invited at once)."""

    serializer_class = QuoteSummarySerializer
    filterset_class = QuoteFilter

    class InputSerializer(ServiceInputSerializer):
        department = serializers.CharField(max_length=20)
        budget_line = serializers.IntegerField(min_value=1, max_value=2**53)
        approver = serializers.CharField(max_length=150, help_text="username of the PPK")
        category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
        title = serializers.CharField(max_length=TITLE_LENGTH)
        description = serializers.CharField(
            max_length=NOTE_LENGTH, required=False, allow_blank=True, default=""
        )
        quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
        unit = serializers.ChoiceField(choices=Unit.choices)
        delivery_village = serializers.SlugRelatedField(
            slug_field="code", queryset=Village.objects.all()
        )
        delivery_address = serializers.CharField(max_length=ADDRESS_LENGTH)
        delivery_date = serializers.DateField()
        estimated_unit_price = serializers.IntegerField(min_value=1, max_value=MAX_RUPIAH)
        closes_at = serializers.DateTimeField()

        def service_values(self, values: dict) -> dict:
            user = self.context["request"].user
            found = dict(values)
            department = (
                departments_where(user, DepartmentRole.REQUESTER)
                .filter(code=values.get("department"))
                .first()
            )
            found["department"] = department
            if "budget_line" in values:
                found["budget_line"] = BudgetLine.objects.filter(
                    department=department, pk=values["budget_line"]
                ).first()
            if "approver" in values:
                found["approver"] = User.objects.filter(
                    username=values["approver"], is_active=True
                ).first()
            return found

        def problems(self, values: dict) -> dict:
            found = self.service_values(values)
            if "department" in values and found["department"] is None:
                return {"department": [_("Choose a department you order for.")]}
            return services.quote_problems(requester=self.context["request"].user, values=found)

    def get_queryset(self):
        return quotes_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=InputSerializer, responses={201: QuoteSerializer, 404: refusal(404)})
    def post(self, request):
        if not departments_where(request.user, DepartmentRole.REQUESTER).exists():
            raise PermissionDenied  # before the body is read
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        quote = run_serializer(
            serializer,
            lambda values: services.quote_publish(
                by=request.user, **serializer.service_values(values)
            ),
        )
        response = _detail(request, quote.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class QuoteDetailApi(APIView):
    """One quote; its offers are null until opened, then ranked."""

    @extend_schema(responses={200: QuoteSerializer, 404: refusal(404)})
    def get(self, request, pk):
        return _detail(request, pk)


class _QuoteActionApi(APIView):
    """A step of the buyer's side, taken by its service (`service`, called with the person, the
    quote and the input, whose fields are named as its keywords); who may take it is checked
    before the body is read."""

    service: Callable

    class InputSerializer(ServiceInputSerializer):
        pass

    def allowed(self, user, quote: Quote) -> bool:
        return has_department_role(user, quote.department_id, DepartmentRole.REQUESTER)

    def post(self, request, pk):
        quote = _quote_or_404(request, pk)
        if not self.allowed(request.user, quote):
            raise PermissionDenied
        run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: type(self).service(by=request.user, quote=quote, **values),
        )
        return _detail(request, pk)


class QuoteExtendApi(_QuoteActionApi):
    """Too few offers: extend once, to a new closing time (at least the policy's window)."""

    class InputSerializer(ServiceInputSerializer):
        closes_at = serializers.DateTimeField()

    service = services.quote_extend

    @extend_schema(request=InputSerializer, responses={200: QuoteSerializer, 403: refusal(403)})
    def post(self, request, pk):
        return super().post(request, pk)


class QuoteCancelApi(_QuoteActionApi):
    """Cancel, with a reason."""

    class InputSerializer(ServiceInputSerializer):
        reason = serializers.CharField(max_length=NOTE_LENGTH)

    service = services.quote_cancel

    @extend_schema(request=InputSerializer, responses={200: QuoteSerializer, 403: refusal(403)})
    def post(self, request, pk):
        return super().post(request, pk)


class QuoteProposeApi(_QuoteActionApi):
    """Propose the winner among the opened offers (a reason when not the first ranked)."""

    class InputSerializer(ServiceInputSerializer):
        offer = serializers.IntegerField(min_value=1, max_value=2**53, source="offer_id")
        reason = serializers.CharField(
            max_length=NOTE_LENGTH, required=False, allow_blank=True, default=""
        )

    service = services.quote_propose

    @extend_schema(request=InputSerializer, responses={200: QuoteSerializer, 403: refusal(403)})
    def post(self, request, pk):
        return super().post(request, pk)


class QuoteSendBackApi(_QuoteActionApi):
    """The PPK sends the proposed winner back to the requester, with a reason."""

    class InputSerializer(ServiceInputSerializer):
        reason = serializers.CharField(max_length=NOTE_LENGTH)

    def allowed(self, user, quote):
        return user.pk == quote.approver_id

    service = services.quote_send_back

    @extend_schema(request=InputSerializer, responses={200: QuoteSerializer, 403: refusal(403)})
    def post(self, request, pk):
        return super().post(request, pk)


class QuoteApproveApi(APIView):
    """The named PPK approves the award: a purchase order is placed at the offered price and
    approved. Send an `Idempotency-Key` header to make a retry safe."""

    @extend_schema(request=None, responses={200: QuoteSerializer, 403: refusal(403)})
    def post(self, request, pk):
        quote = _quote_or_404(request, pk)
        if request.user.pk != quote.approver_id:
            raise PermissionDenied
        return idempotent(
            request,
            run=lambda: services.quote_award(by=request.user, quote=quote),
            reference=lambda awarded: awarded.pk,
            respond=lambda quote_id: _detail(request, quote_id),
        )


# --- The vendor's side -------------------------------------------------------------------


class VendorQuoteSerializer(serializers.ModelSerializer):
    """A quote as an invited vendor sees it: no HPS, no other vendor; its own offer."""

    department = serializers.CharField(source="department.name")
    category = serializers.CharField(source="category.slug")
    delivery_village = serializers.CharField(source="delivery_village.name")
    my_offer = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "status",
            "department",
            "category",
            "title",
            "description",
            "quantity",
            "unit",
            "delivery_village",
            "delivery_address",
            "delivery_date",
            "closes_at",
            "my_offer",
        ]

    def get_my_offer(self, quote) -> dict | None:
        if hasattr(quote, "own_offers"):  # quote_invitations_of
            offer = quote.own_offers[0] if quote.own_offers else None
        else:
            offer = own_offer(self.context["request"].user, quote)
        return OfferSerializer(offer).data if offer else None


def _invitation_or_404(request, pk) -> Quote:
    return get_object_or_404(quote_invitations_of(own_vendor_or_404(request.user)), pk=pk)


class VendorQuoteListApi(generics.ListAPIView):
    """The quotes the signed-in vendor was invited to, newest first."""

    permission_classes = [ActsForAVendor]
    serializer_class = VendorQuoteSerializer
    filterset_class = QuoteFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema asks without a vendor
            return Quote.objects.none()
        return quote_invitations_of(own_vendor_or_404(self.request.user))


class VendorQuoteDetailApi(APIView):
    permission_classes = [ActsForAVendor]

    @extend_schema(responses={200: VendorQuoteSerializer, 404: refusal(404)})
    def get(self, request, pk):
        quote = _invitation_or_404(request, pk)
        return Response(VendorQuoteSerializer(quote, context={"request": request}).data)


class VendorOfferApi(APIView):
    """Submit or revise the vendor's sealed offer, until closing: one of its active products
    of the quote's category, the unit price, the delivery date and a note."""

    permission_classes = [ActsForAVendor]

    class InputSerializer(ServiceInputSerializer):
        product = serializers.IntegerField(min_value=1, max_value=2**53)
        unit_price = serializers.IntegerField(min_value=1, max_value=MAX_RUPIAH)
        delivery_date = serializers.DateField()
        note = serializers.CharField(
            max_length=NOTE_LENGTH, required=False, allow_blank=True, default=""
        )

        def service_values(self, values: dict) -> dict:
            found = dict(values)
            if "product" in values:
                found["product"] = Product.objects.filter(pk=values["product"]).first()
            return found

        def problems(self, values: dict) -> dict:
            return services.offer_problems(
                vendor=self.context["vendor"],
                quote=self.context["quote"],
                values=self.service_values(values),
            )

    @extend_schema(request=InputSerializer, responses={200: VendorQuoteSerializer})
    def post(self, request, pk):
        quote = _invitation_or_404(request, pk)
        serializer = self.InputSerializer(
            data=request.data,
            context={"vendor": own_vendor_or_404(request.user), "quote": quote},
        )
        run_serializer(
            serializer,
            lambda values: services.offer_submit(
                by=request.user, quote=quote, **serializer.service_values(values)
            ),
        )
        quote = _invitation_or_404(request, pk)  # as it is now
        return Response(VendorQuoteSerializer(quote, context={"request": request}).data)


class VendorOfferWithdrawApi(APIView):
    """Withdraw the vendor's offer, until closing."""

    permission_classes = [ActsForAVendor]

    @extend_schema(request=None, responses={200: VendorQuoteSerializer})
    def post(self, request, pk):
        quote = _invitation_or_404(request, pk)
        services.offer_withdraw(by=request.user, quote=quote)
        quote = _invitation_or_404(request, pk)  # as it is now
        return Response(VendorQuoteSerializer(quote, context={"request": request}).data)


# --- Open data ---------------------------------------------------------------------------


class PublicQuoteOcdsApi(PublicApiView):
    """The opened mini-competitions of a fiscal year (`?fiscal_year=`, default the current) as
    an OCDS 1.1 release package: one release per quote, a selective tender with its invited
    vendors, the offers after opening and the award; the most recently opened `most`."""

    most = 200

    class FilterSerializer(serializers.Serializer):
        fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, 404: refusal(404)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        year = filters.validated_data.get("fiscal_year")
        fiscal_year = (
            FiscalYear.objects.filter(year=year).first() if year else fiscal_year_current()
        )
        quotes = public_quotes(fiscal_year)[: self.most] if fiscal_year else Quote.objects.none()
        if not quotes:  # a release package holds at least one release
            raise NotFound(_("No mini-competition of this year has been opened."))
        return Response(
            quote_release_package(
                quotes=quotes,
                uri=request.build_absolute_uri(),
                publisher=str(quotes[0].department.organisation),
            )
        )
