"""The bare baseline: the plainest Django REST Framework list of the same products, a few lines
with no services, no permissions and no filters but a pg_trgm search on the name (`%>>`, with a
GIN index), page-number pagination and `select_related`. Our API is measured against it."""

from rest_framework import generics, pagination, serializers
from rest_framework.permissions import AllowAny

from catalog.models import Product


class BareProductSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor.legal_name")
    category = serializers.CharField(source="category.name")

    class Meta:
        model = Product
        fields = ["id", "name", "unit", "unit_price", "vendor", "category"]


class BarePagination(pagination.PageNumberPagination):
    page_size = 20


class BareProductList(generics.ListAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = BareProductSerializer
    pagination_class = BarePagination

    def get_queryset(self):
        products = Product.objects.select_related("vendor", "category").order_by("name", "id")
        search = self.request.query_params.get("search")
        if search:
            products = products.filter(name__trigram_strict_word_similar=search)
        return products
