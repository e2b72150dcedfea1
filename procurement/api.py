"""REST endpoints for departments, budget lines and the fiscal year's policy."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from catalog.models import Category
from market.errors import InvalidInput
from market.models import Department, DepartmentRole, Membership
from market.permissions import departments_visible_to, roles_of
from market.rest import run_serializer
from market.selectors import department_members
from market.transactions import action_scope
from procurement.models import BudgetLine, Policy
from procurement.selectors import budget_lines_visible_to, policies
from procurement.services import department_target_set, policy_update


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


class PolicySerializer(serializers.ModelSerializer):
    """A fiscal year's policy; each field's description says where its value comes from."""

    fiscal_year = serializers.IntegerField(source="fiscal_year.year")
    reserved_categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    department_targets = serializers.SerializerMethodField(
        help_text="{department code: small-business target %} where a department aims higher"
    )

    class Meta:
        model = Policy
        fields = [
            "fiscal_year",
            "small_business_target",
            "local_target",
            "reserved_categories",
            "direct_purchase_ceiling",
            "approval_threshold",
            "card_cap",
            "stamp_duty_threshold",
            "vendor_response_days",
            "payment_due_days",
            "department_targets",
        ]

    def get_department_targets(self, policy) -> dict[str, str]:
        return {
            target.department.code: str(target.small_business_target)
            for target in policy.fiscal_year.department_targets.all()
        }


class PolicyListApi(generics.ListAPIView):
    """Every fiscal year's policy, newest first."""

    serializer_class = PolicySerializer

    def get_queryset(self):
        return policies()


class PolicyDetailApi(generics.RetrieveAPIView):
    """One fiscal year's policy; administrators PATCH it (every change is audited)."""

    serializer_class = PolicySerializer
    lookup_field = "fiscal_year__year"
    lookup_url_kwarg = "year"

    class InputSerializer(serializers.Serializer):
        small_business_target = serializers.CharField(required=False, max_length=10)
        local_target = serializers.CharField(required=False, max_length=10)
        reserved_categories = serializers.SlugRelatedField(
            slug_field="slug", many=True, queryset=Category.objects.all(), required=False
        )
        direct_purchase_ceiling = serializers.IntegerField(required=False)
        approval_threshold = serializers.IntegerField(required=False)
        card_cap = serializers.IntegerField(required=False)
        stamp_duty_threshold = serializers.IntegerField(required=False)
        vendor_response_days = serializers.IntegerField(required=False)
        payment_due_days = serializers.IntegerField(required=False)
        department_targets = serializers.DictField(
            child=serializers.CharField(allow_blank=True, allow_null=True, max_length=10),
            required=False,
            help_text="{department code: target %}; empty removes a department's own target",
        )

    def get_queryset(self):
        return policies()

    @extend_schema(request=InputSerializer, responses=PolicySerializer)
    def patch(self, request, year):
        if not roles_of(request.user).is_platform_admin:
            raise PermissionDenied
        policy = self.get_object()

        def update(values):
            targets = values.pop("department_targets", None) or {}
            departments = {d.code: d for d in Department.objects.filter(code__in=list(targets))}
            if unknown := set(targets) - set(departments):
                raise InvalidInput(
                    {"department_targets": {code: [_("No such department.")] for code in unknown}}
                )
            with action_scope():  # the policy and the targets change together
                policy_update(fiscal_year=policy.fiscal_year, by=request.user, **values)
                for code, target in targets.items():
                    department_target_set(
                        fiscal_year=policy.fiscal_year,
                        department=departments[code],
                        target=target,
                        by=request.user,
                    )

        run_serializer(self.InputSerializer(data=request.data, partial=True), update)
        return Response(PolicySerializer(self.get_queryset().get(pk=policy.pk)).data)
