"""REST endpoints of the catalogue: buyers' view and the vendor's own catalogue."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog.filters import ProductFilter
from catalog.models import Category, Product, ProductImage, Unit
from catalog.selectors import category_tree, products_for_buyers, products_of_vendor_for
from market.bounds import DESCRIPTION_LENGTH, TITLE_LENGTH
from market.parsers import FormParser, MultiPartParser
from market.rest import CountKeptPagination, ServiceInputSerializer, run_serializer
from vendors.api import RatingSummarySerializer
from vendors.permissions import ActsForAVendor, own_vendor_or_404


class CategoryListApi(generics.ListAPIView):
    """The category tree, flat, each with its parent's slug."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.ModelSerializer):
        parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
        display_name = serializers.CharField()

        class Meta:
            model = Category
            fields = ["id", "slug", "name", "name_en", "display_name", "parent", "position"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return category_tree()


class ImageSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="image", use_url=True)
    thumbnail_url = serializers.CharField()

    class Meta:
        model = ProductImage
        fields = ["id", "url", "thumbnail_url", "width", "height", "position"]


class ProductOutputSerializer(serializers.ModelSerializer):
    """A product as buyers see it, with its vendor's name, scale, district and flags."""

    class VendorSummarySerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(source="display_name")
        scale = serializers.CharField()
        district = serializers.CharField(source="village.district.name", default=None)
        is_local = serializers.BooleanField()
        in_priority_area = serializers.BooleanField()
        is_women_led = serializers.BooleanField()
        is_cooperative = serializers.BooleanField()
        rating = RatingSummarySerializer(read_only=True)

    vendor = VendorSummarySerializer()
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    thumbnail_url = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField()
    unit_label = serializers.CharField(
        source="get_unit_display", help_text="the unit in the reader's language"
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "category",
            "unit",
            "unit_label",
            "unit_price",
            "made_to_order",
            "stock",
            "in_stock",
            "lead_time_days",
            "minimum_order",
            "tkdn_percent",
            "vendor",
            "thumbnail_url",
        ]

    def get_thumbnail_url(self, product) -> str | None:
        images = list(product.images.all())  # prefetched by the selector
        if not images:
            return None
        request = self.context.get("request")
        url = images[0].thumbnail_url
        return request.build_absolute_uri(url) if request else url


class ProductDetailSerializer(ProductOutputSerializer):
    images = ImageSerializer(many=True)

    class Meta(ProductOutputSerializer.Meta):
        fields = [*ProductOutputSerializer.Meta.fields, "images"]


class ProductListApi(generics.ListAPIView):
    """Active products of verified vendors, filtered and searched (typos forgiven)."""

    serializer_class = ProductOutputSerializer
    filterset_class = ProductFilter
    pagination_class = CountKeptPagination

    def get_queryset(self):
        return products_for_buyers()


class ProductDetailApi(generics.RetrieveAPIView):
    serializer_class = ProductDetailSerializer

    def get_queryset(self):
        return products_for_buyers()


class VendorProductInputSerializer(ServiceInputSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    name = serializers.CharField(max_length=TITLE_LENGTH)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DESCRIPTION_LENGTH
    )
    unit = serializers.ChoiceField(choices=Unit.choices)
    unit_price = serializers.IntegerField(
        min_value=1, help_text="whole rupiah, at most the policy's direct-purchase ceiling"
    )
    made_to_order = serializers.BooleanField(required=False, default=False)
    stock = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=0, required=False, default=0
    )
    lead_time_days = serializers.IntegerField(min_value=0, max_value=365, required=False, default=0)
    minimum_order = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False, default=1
    )
    tkdn_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, default=0
    )
    is_active = serializers.BooleanField(required=False, default=True)

    def problems(self, values: dict) -> dict:
        return services.product_problems(values)


class VendorProductSerializer(ProductDetailSerializer):
    class Meta(ProductDetailSerializer.Meta):
        fields = [*ProductDetailSerializer.Meta.fields, "is_active", "created_at", "updated_at"]


class VendorProductListApi(generics.ListAPIView):
    """The signed-in vendor's own products (active or not); POST adds one."""

    serializer_class = VendorProductSerializer
    permission_classes = [ActsForAVendor]

    def get_queryset(self):
        return products_of_vendor_for(self.request.user).order_by("name", "id")

    @extend_schema(request=VendorProductInputSerializer, responses={201: VendorProductSerializer})
    def post(self, request):
        vendor = own_vendor_or_404(request.user)
        product = run_serializer(
            VendorProductInputSerializer(data=request.data),
            lambda values: services.product_create(vendor=vendor, by=request.user, **values),
        )
        product = products_of_vendor_for(request.user).get(pk=product.pk)
        return Response(
            VendorProductSerializer(product, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class VendorProductDetailApi(generics.RetrieveAPIView):
    """One of the vendor's own products; PATCH changes it (a new price enters the history)."""

    serializer_class = VendorProductSerializer
    permission_classes = [ActsForAVendor]

    def get_queryset(self):
        return products_of_vendor_for(self.request.user)

    @extend_schema(request=VendorProductInputSerializer, responses=VendorProductSerializer)
    def patch(self, request, pk):
        product = self.get_object()
        run_serializer(
            VendorProductInputSerializer(data=request.data, partial=True),
            lambda values: services.product_update(product=product, by=request.user, **values),
        )
        product = self.get_queryset().get(pk=pk)
        return Response(VendorProductSerializer(product, context={"request": request}).data)


class VendorProductImageApi(APIView):
    """Add a photo (multipart field `image`: JPEG, PNG or WebP, up to 10 MB and 40 megapixels)."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [ActsForAVendor]

    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()

    @extend_schema(request=InputSerializer, responses={201: ImageSerializer})
    def post(self, request, pk):
        product = get_object_or_404(products_of_vendor_for(request.user), pk=pk)
        image = services.product_image_add(
            product=product, upload=request.FILES.get("image"), by=request.user
        )
        return Response(
            ImageSerializer(image, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
