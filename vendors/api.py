"""REST endpoints of the vendor registry."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from market.bounds import ADDRESS_LENGTH, NAME_LENGTH, TITLE_LENGTH, whole_number
from market.models import Village
from market.parsers import FormParser, MultiPartParser
from market.permissions import IsPlatformAdmin
from market.rest import ServiceInputSerializer, refusal, run_serializer
from market.throttles import AuditedScopedRateThrottle
from vendors import services, tax_profile
from vendors.files import document_response
from vendors.models import (
    DocumentKind,
    Scale,
    TaxpayerKind,
    Vendor,
    VendorDocument,
    VendorStatus,
    VendorTaxProfile,
)
from vendors.permissions import (
    PRIVATE_FIELDS,
    ActsForAVendor,
    own_vendor_or_404,
    private_fields_for,
    reads_documents_of,
)
from vendors.selectors import vendor_filter, vendor_statistics, vendors_visible_to


class RatingSummarySerializer(serializers.Serializer):
    """A vendor's ratings by buyers after delivery (vendors.models.RatingSummary): averages of
    1-5 once it has settings.RATING_NEW_BELOW ratings, else "new" and no averages."""

    count = serializers.IntegerField()
    is_new = serializers.BooleanField(help_text="too few ratings yet to show averages")
    timeliness = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)
    quality = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)
    fit = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)
    overall = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)


class VendorOutputSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField()
    district = serializers.CharField(source="village.district.code", default=None)
    district_name = serializers.CharField(source="village.district.name", default=None)
    village_name = serializers.CharField(source="village.name", default=None)
    is_local = serializers.BooleanField()
    in_priority_area = serializers.BooleanField()
    rating = RatingSummarySerializer(read_only=True)

    class Meta:
        model = Vendor
        fields = [
            "id",
            "display_name",
            "legal_name",
            "trading_name",
            "scale",
            "is_cooperative",
            "is_women_led",
            "is_local",
            "in_priority_area",
            "district",
            "district_name",
            "village_name",
            "status",
            "rating",
        ]


class VendorPrivateSerializer(VendorOutputSerializer):
    """A vendor with the private fields the reader may see (vendors.permissions: all for the
    vendor itself and administrators, what the quota audit needs for finance officers);
    `context["private_fields"]` names them where the reader is not known to see them all."""

    class Meta(VendorOutputSerializer.Meta):
        fields = [*VendorOutputSerializer.Meta.fields, *PRIVATE_FIELDS]
        # Each may be left out (below), so none is required in the schema, where a read-only
        # field (created_at) always is: output only, nothing here is read from a request.
        extra_kwargs = {name: {"required": False, "read_only": False} for name in PRIVATE_FIELDS}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = self.context.get("private_fields")  # None: the vendor's own or an admin's view
        for name in PRIVATE_FIELDS if shown is not None else ():
            if name not in shown:
                data.pop(name)
        return data


@extend_schema_field(OpenApiTypes.STR)
class VillageField(serializers.Field):
    """A village id, or "outside" for a business registered outside the regency."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data.strip() == services.OUTSIDE_REGENCY:
            return services.OUTSIDE_REGENCY
        pk = whole_number(data)
        village = Village.objects.filter(pk=pk).first() if pk is not None else None
        if village is None:
            raise serializers.ValidationError(
                _("Give a village id (GET /api/v1/districts/) or “outside”.")
            )
        return village


def village_field(**options) -> VillageField:
    return VillageField(
        help_text="a village id from /api/v1/districts/, or `outside` (outside the regency)",
        **options,
    )


class VendorProfileInputSerializer(ServiceInputSerializer):
    """What a vendor's members change themselves; every field optional (PATCH). A field this
    endpoint does not take (the legal name, say) is refused, not ignored. The context names
    the `vendor` and who changes it (`by`)."""

    trading_name = serializers.CharField(max_length=TITLE_LENGTH, required=False, allow_blank=True)
    contact_person = serializers.CharField(max_length=NAME_LENGTH, required=False)
    phone = serializers.CharField(max_length=30, required=False)
    email = serializers.CharField(max_length=254, required=False)
    address = serializers.CharField(max_length=ADDRESS_LENGTH, required=False)
    village = village_field(required=False)
    bank_name = serializers.CharField(max_length=100, required=False)
    bank_account_number = serializers.CharField(max_length=40, required=False)
    bank_account_holder = serializers.CharField(
        max_length=TITLE_LENGTH, required=False, allow_blank=True
    )

    def problems(self, values: dict) -> dict:
        others = {
            name: self.initial_data[name] for name in set(self.initial_data) - set(self.fields)
        }
        return services.vendor_change_problems(
            vendor=self.context["vendor"], by=self.context["by"], changes={**values, **others}
        )


class VendorRegisterApi(APIView):
    """Self-registration of a small business or cooperative: creates a login and a vendor in
    status `applied`, for a platform administrator to verify. The platform chooses the
    username (in the answer), so registering never tells whether a username exists."""

    permission_classes = [AllowAny]
    throttle_classes = [AuditedScopedRateThrottle]
    throttle_scope = "registration"

    class InputSerializer(VendorProfileInputSerializer):
        password = serializers.CharField(
            max_length=128, trim_whitespace=False, style={"input_type": "password"}
        )
        legal_name = serializers.CharField(max_length=TITLE_LENGTH)
        nib = serializers.CharField(max_length=40)
        npwp = serializers.CharField(max_length=40)
        contact_person = serializers.CharField(max_length=NAME_LENGTH)
        phone = serializers.CharField(max_length=30)
        email = serializers.CharField(max_length=254)
        address = serializers.CharField(max_length=ADDRESS_LENGTH)
        village = village_field()
        is_cooperative = serializers.BooleanField(required=False, default=False)
        is_women_led = serializers.BooleanField(required=False, default=False)
        declared_capital = serializers.IntegerField(required=False, allow_null=True)
        declared_annual_sales = serializers.IntegerField(required=False, allow_null=True)
        declared_scale = serializers.ChoiceField(
            choices=Scale.choices, required=False, allow_blank=True
        )
        bank_name = serializers.CharField(max_length=100)
        bank_account_number = serializers.CharField(max_length=40)

        def problems(self, values: dict) -> dict:
            return services.vendor_registration_problems(values)

    class OutputSerializer(VendorPrivateSerializer):
        username = serializers.SerializerMethodField()

        class Meta(VendorPrivateSerializer.Meta):
            fields = [*VendorPrivateSerializer.Meta.fields, "username"]

        def get_username(self, vendor) -> str:
            return vendor.members.get().user.username

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        vendor = run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: services.vendor_register(**values),
        )
        return Response(self.OutputSerializer(vendor).data, status=status.HTTP_201_CREATED)


def _flag(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.lower() in {"1", "true", "yes", "ya"}


class VendorListApi(generics.ListAPIView):
    """Verified vendors (administrators and finance officers: all, filterable by `status`)."""

    serializer_class = VendorOutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(name, type=str)
            for name in (
                "status",
                "district",
                "scale",
                "local",
                "priority_area",
                "women_led",
                "cooperative",
                "search",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        vendors = vendor_filter(
            vendors_visible_to(self.request.user),
            district=params.get("district"),
            scale=params.get("scale"),
            local=_flag(params.get("local")),
            priority_area=_flag(params.get("priority_area")),
            women_led=_flag(params.get("women_led")),
            cooperative=_flag(params.get("cooperative")),
        )
        if params.get("status") in VendorStatus.values:
            vendors = vendors.filter(status=params["status"])
        if params.get("search"):
            words = params["search"]
            vendors = vendors.filter(
                Q(legal_name__icontains=words) | Q(trading_name__icontains=words)
            )
        return vendors.order_by("legal_name", "id")


class VendorDetailApi(generics.RetrieveAPIView):
    """A vendor; its private fields as far as the reader may see them."""

    serializer_class = VendorPrivateSerializer

    def get_queryset(self):
        return vendors_visible_to(self.request.user)

    @extend_schema(responses=VendorPrivateSerializer)
    def get(self, request, *args, **kwargs):
        vendor = self.get_object()
        shown = private_fields_for(request.user, vendor)
        return Response(VendorPrivateSerializer(vendor, context={"private_fields": shown}).data)


class VendorActionApi(APIView):
    """`POST /vendors/{id}/verify|reject|suspend|reinstate/`, by a platform administrator."""

    permission_classes = [IsPlatformAdmin]
    action_name = ""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=VendorPrivateSerializer)
    def post(self, request, pk):
        vendor = get_object_or_404(Vendor, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vendor = services.vendor_transition(
            vendor=vendor,
            action=self.action_name,
            by=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(VendorPrivateSerializer(vendor).data)


class DocumentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = VendorDocument
        fields = ["id", "kind", "content_type", "size", "original_name", "uploaded_at"]


class VendorProfileApi(APIView):
    """The signed-in vendor member's own vendor, whatever its status; PATCH changes its contact
    details, village and bank account (audited)."""

    permission_classes = [ActsForAVendor]

    @extend_schema(responses={200: VendorPrivateSerializer, 404: refusal(404)})
    def get(self, request):
        return Response(VendorPrivateSerializer(own_vendor_or_404(request.user)).data)

    @extend_schema(
        request=VendorProfileInputSerializer,
        responses={200: VendorPrivateSerializer, 404: refusal(404)},
    )
    def patch(self, request):
        vendor = own_vendor_or_404(request.user)
        serializer = VendorProfileInputSerializer(
            data=request.data, partial=True, context={"vendor": vendor, "by": request.user}
        )
        vendor = run_serializer(
            serializer,
            lambda values: services.vendor_update(vendor=vendor, by=request.user, **values),
        )
        return Response(VendorPrivateSerializer(vendor).data)


class TaxProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = VendorTaxProfile
        fields = [*tax_profile.FIELDS, "status", "checked_at"]
        read_only_fields = fields


class TaxProfileInputSerializer(ServiceInputSerializer):
    """The whole profile (PUT): what is not given is cleared."""

    taxpayer_kind = serializers.ChoiceField(choices=TaxpayerKind.choices)
    is_pkp = serializers.BooleanField(default=False)
    pkp_since = serializers.DateField(required=False, allow_null=True, default=None)
    nik = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    final_certificate_number = serializers.CharField(
        max_length=tax_profile.CERTIFICATE_NUMBER_LENGTH,
        required=False,
        allow_blank=True,
        default="",
    )
    final_valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    final_valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    small_turnover_year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None
    )

    def problems(self, values: dict) -> dict:
        return tax_profile.tax_profile_problems(values)


class VendorTaxProfileApi(APIView):
    """The signed-in vendor's tax profile; PUT (its owner) declares it again, to be checked by
    an administrator (audited)."""

    permission_classes = [ActsForAVendor]

    @extend_schema(responses={200: TaxProfileSerializer, 404: refusal(404)})
    def get(self, request):
        vendor = own_vendor_or_404(request.user)
        return Response(TaxProfileSerializer(tax_profile.tax_profile_of(vendor)).data)

    @extend_schema(
        request=TaxProfileInputSerializer,
        responses={200: TaxProfileSerializer, 403: refusal(403), 404: refusal(404)},
    )
    def put(self, request):
        vendor = own_vendor_or_404(request.user)
        if not tax_profile.may_keep_tax_profile(vendor, request.user):  # before the input
            raise PermissionDenied(tax_profile.OWNER_KEEPS_TAXES)
        profile = run_serializer(
            TaxProfileInputSerializer(data=request.data),
            lambda values: tax_profile.vendor_tax_profile_update(
                vendor=vendor, by=request.user, **values
            ),
        )
        return Response(TaxProfileSerializer(profile).data)


class VendorTaxProfileCheckApi(APIView):
    """`POST /vendors/{id}/tax-profile/check/`: a platform administrator has checked the
    vendor's tax profile against its documents."""

    permission_classes = [IsPlatformAdmin]

    @extend_schema(request=None, responses={200: TaxProfileSerializer, 404: refusal(404)})
    def post(self, request, pk):
        vendor = get_object_or_404(Vendor, pk=pk)
        profile = tax_profile.vendor_tax_profile_check(vendor=vendor, by=request.user)
        return Response(TaxProfileSerializer(profile).data)


class VendorDocumentListApi(generics.ListCreateAPIView):
    """The vendor's documents; upload with multipart fields `kind` and `file` (PDF or image)."""

    serializer_class = DocumentOutputSerializer
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [ActsForAVendor]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=DocumentKind.choices)
        file = serializers.FileField()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no vendor
            return VendorDocument.objects.none()
        return VendorDocument.objects.filter(vendor=own_vendor_or_404(self.request.user))

    @extend_schema(request=InputSerializer, responses={201: DocumentOutputSerializer})
    def post(self, request):
        vendor = own_vendor_or_404(request.user)
        document = services.vendor_document_add(
            vendor=vendor,
            kind=request.data.get("kind", ""),
            upload=request.FILES.get("file"),
            by=request.user,
        )
        return Response(DocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)


class VendorDocumentsOfVendorApi(generics.ListAPIView):
    """A vendor's documents, for an administrator to read before verifying it, and for the
    vendor's own members; to anyone else, as for a vendor that does not exist, 404."""

    serializer_class = DocumentOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VendorDocument.objects.none()
        vendor = get_object_or_404(vendors_visible_to(self.request.user), pk=self.kwargs["pk"])
        if not reads_documents_of(self.request.user, vendor):
            raise Http404
        return VendorDocument.objects.filter(vendor=vendor)


class VendorDocumentFileApi(APIView):
    """Download a document: its own vendor's members and administrators only (else 404)."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk):
        return document_response(user=request.user, pk=pk)


class VendorStatisticsApi(APIView):
    """Public UMKM statistics: verified vendors by district and scale."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        district = serializers.CharField(allow_null=True)
        district_name = serializers.CharField(allow_null=True)
        scale = serializers.CharField()
        vendors = serializers.IntegerField()
        cooperatives = serializers.IntegerField()
        women_led = serializers.IntegerField()
        priority_area = serializers.IntegerField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request):
        return Response(self.OutputSerializer(vendor_statistics(), many=True).data)
