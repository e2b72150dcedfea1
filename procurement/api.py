"""REST endpoints for departments and budget lines (read-only here; admins edit in the admin)."""

import django_filters
from rest_framework import generics, serializers

from market.models import Department
from market.permissions import departments_visible_to
from procurement.models import BudgetLine
from procurement.selectors import budget_lines_visible_to


class DepartmentListApi(generics.ListAPIView):
    """Departments the signed-in person belongs to (finance officers and admins: all)."""

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Department
            fields = ["id", "code", "name", "address", "is_active"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return departments_visible_to(self.request.user).order_by("code")


class BudgetLineFilter(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter(field_name="fiscal_year__year")
    department = django_filters.CharFilter(field_name="department__code", lookup_expr="iexact")

    class Meta:
        model = BudgetLine
        fields = ["fiscal_year", "department"]


class BudgetLineListApi(generics.ListAPIView):
    """Budget lines with their allocated, committed, realised and available rupiah."""

    class OutputSerializer(serializers.ModelSerializer):
        department = serializers.CharField(source="department.code")
        fiscal_year = serializers.IntegerField(source="fiscal_year.year")
        available = serializers.IntegerField(source="available_amount")

        class Meta:
            model = BudgetLine
            fields = [
                "id",
                "department",
                "fiscal_year",
                "account_code",
                "name",
                "allocated",
                "committed",
                "realised",
                "available",
            ]

    serializer_class = OutputSerializer
    filterset_class = BudgetLineFilter

    def get_queryset(self):
        return budget_lines_visible_to(self.request.user).order_by(
            "-fiscal_year__year", "department__code", "account_code"
        )
