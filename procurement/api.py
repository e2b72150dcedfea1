"""REST endpoints for departments and budget lines (read-only here; admins edit in the admin)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from market.models import Department, DepartmentRole, Membership
from market.permissions import departments_visible_to
from market.selectors import department_members
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


class DepartmentMemberListApi(generics.ListAPIView):
    """The people of a department by role (`?role=approver` lists its PPKs), e.g. to fill in
    who approves an order. Members of the department, finance officers and admins only."""

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        full_name = serializers.CharField(source="display_name")
        role = serializers.CharField()

    class FilterSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=DepartmentRole.choices, required=False)

    serializer_class = OutputSerializer
    pagination_class = None  # a department has a handful of people

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a request
            return Membership.objects.none()
        department = get_object_or_404(
            departments_visible_to(self.request.user), code__iexact=self.kwargs["code"]
        )
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return department_members(department, role=filters.validated_data.get("role"))


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
