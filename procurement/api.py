"""REST endpoints for departments, budget lines and the fiscal year's policy."""

import django_filters
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Category
from market.models import Department, DepartmentRole, Membership
from market.permissions import (
    ReadsDepartments,
    departments_visible_to,
    readable_department_or_404,
    roles_of,
)
from market.rest import PublicApiView, ServiceInputSerializer, refusal, run_serializer
from market.selectors import department_members
from procurement.models import BudgetLine, Policy
from procurement.reports import GROUPS, compliance_by_department, public_figures_cached, spend_by
from procurement.selectors import (
    budget_lines_visible_to,
    department_targets_of,
    policies,
    report_departments,
    report_fiscal_year,
)
from procurement.services import policy_and_targets_update, policy_problems


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
    permission_classes = [ReadsDepartments]

    def get_queryset(self):
        code = self.request.query_params.get("department")
        if code:  # one department's lines: another's are not yours to see (404), as its report
            readable_department_or_404(self.request.user, code)
        return budget_lines_visible_to(self.request.user).order_by(
            "-fiscal_year__year", "department__code", "account_code"
        )


# The integrity red flags' parameters (their rules: integrity.indicators).
INTEGRITY_PARAMETERS = (
    "split_window_days",
    "bunching_margin",
    "bunching_min_orders",
    "concentration_share",
    "concentration_floor",
    "concentration_hhi",
    "price_iqr_factor",
    "price_min_observations",
    "price_lookback_days",
    "price_catalogue_factor",
)

# The mini-competitions' parameters (their rules: the quotes app).
QUOTE_PARAMETERS = (
    "quote_window_days",
    "quote_min_offers",
    "quote_local_preference",
    "quote_price_tolerance",
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
            "negotiation_rounds",
            "department_targets",
            *INTEGRITY_PARAMETERS,
            *QUOTE_PARAMETERS,
        ]

    def get_department_targets(self, policy) -> dict[str, str]:
        return {code: str(target) for code, target in department_targets_of(policy).items()}


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

    class InputSerializer(ServiceInputSerializer):
        """Changes to the policy of the fiscal year the context names (`fiscal_year`)."""

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
        negotiation_rounds = serializers.IntegerField(required=False)
        split_window_days = serializers.IntegerField(required=False)
        bunching_margin = serializers.CharField(required=False, max_length=10)
        bunching_min_orders = serializers.IntegerField(required=False)
        concentration_share = serializers.CharField(required=False, max_length=10)
        concentration_floor = serializers.IntegerField(required=False)
        concentration_hhi = serializers.IntegerField(required=False)
        price_iqr_factor = serializers.CharField(required=False, max_length=10)
        price_min_observations = serializers.IntegerField(required=False)
        price_lookback_days = serializers.IntegerField(required=False)
        price_catalogue_factor = serializers.CharField(required=False, max_length=10)
        quote_window_days = serializers.IntegerField(required=False)
        quote_min_offers = serializers.IntegerField(required=False)
        quote_local_preference = serializers.CharField(required=False, max_length=10)
        quote_price_tolerance = serializers.CharField(required=False, max_length=10)
        department_targets = serializers.DictField(
            child=serializers.CharField(allow_blank=True, allow_null=True, max_length=10),
            required=False,
            help_text="{department code: target %}; empty removes a department's own target",
        )

        def problems(self, values: dict) -> dict:
            changes = dict(values)
            targets = changes.pop("department_targets", None) or {}
            return policy_problems(
                fiscal_year=self.context["fiscal_year"], changes=changes, targets=targets
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
            policy_and_targets_update(
                fiscal_year=policy.fiscal_year, by=request.user, changes=values, targets=targets
            )

        run_serializer(
            self.InputSerializer(
                data=request.data, partial=True, context={"fiscal_year": policy.fiscal_year}
            ),
            update,
        )
        return Response(PolicySerializer(self.get_queryset().get(pk=policy.pk)).data)


def percent_field(places: int = 1, **options) -> serializers.DecimalField:
    """A percentage in the reports, as a JSON number (like the money beside it)."""
    return serializers.DecimalField(
        max_digits=5, decimal_places=places, coerce_to_string=False, **options
    )


class ReportFilterSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    department = serializers.CharField(required=False, max_length=20)


def report_scope(request, filters: dict):
    """(fiscal year, departments) a report covers for this person: finance officers and
    administrators every department, department staff their own (the views' ReadsDepartments
    answers anyone else 404)."""
    fiscal_year = report_fiscal_year(filters.get("fiscal_year"))
    if fiscal_year is None:
        raise NotFound(_("There is no such fiscal year."))
    departments = report_departments(request.user, filters.get("department"))
    if filters.get("department") and not departments.exists():
        raise NotFound(_("No such department of yours."))
    return fiscal_year, departments


class PaymentDelaySerializer(serializers.Serializer):
    """Working days from a complete invoice to its payment, of the payments this year."""

    due_days = serializers.IntegerField(help_text="the policy's target, in working days")
    goal_days = serializers.IntegerField(help_text="the policy's stretch goal, in working days")
    paid = serializers.IntegerField(help_text="payments")
    median_days = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    within_goal = percent_field(1, allow_null=True, help_text="% paid within the goal")
    within_due = percent_field(1, allow_null=True, help_text="% paid within the target")


class ComplianceSerializer(serializers.Serializer):
    class MeasureSerializer(serializers.Serializer):
        amount = serializers.IntegerField()
        share_of_allocation = percent_field(1)
        share_of_spend = percent_field(1)

    code = serializers.CharField()
    name = serializers.CharField()
    allocated = serializers.IntegerField()
    committed = serializers.IntegerField()
    realised = serializers.IntegerField()
    spent = serializers.IntegerField(help_text="committed and realised")
    measures = serializers.SerializerMethodField()
    target = percent_field(2)
    pace = percent_field(1)
    local_target = percent_field(2)
    status = serializers.ChoiceField(choices=["met", "on_track", "behind"])
    payment_delay = PaymentDelaySerializer()

    @extend_schema_field(serializers.DictField(child=MeasureSerializer(), help_text="by measure"))
    def get_measures(self, row) -> dict:
        return {
            name: {
                "amount": amount,
                "share_of_allocation": row.shares[name]["of_allocation"],
                "share_of_spend": row.shares[name]["of_spend"],
            }
            for name, amount in row.measures.items()
        }


class ComplianceReportApi(APIView):
    """Per department and for the organisation: budget, committed, realised, and spending with
    small businesses and cooperatives, local vendors, priority villages and women-led vendors,
    as rupiah and as shares; the target, the pace for today, and the status."""

    permission_classes = [ReadsDepartments]

    class OutputSerializer(serializers.Serializer):
        fiscal_year = serializers.IntegerField()
        departments = ComplianceSerializer(many=True)
        total = ComplianceSerializer(
            allow_null=True, help_text="the organisation's, for those who see every department"
        )

    @extend_schema(
        parameters=[ReportFilterSerializer], responses={200: OutputSerializer, 404: refusal(404)}
    )
    def get(self, request):
        filters = ReportFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        fiscal_year, departments = report_scope(request, filters.validated_data)
        rows, total = compliance_by_department(fiscal_year=fiscal_year, departments=departments)
        if not roles_of(request.user).sees_all_departments:
            total = None  # a sum of one's own departments is not the organisation's
        return Response(
            self.OutputSerializer(
                {"fiscal_year": fiscal_year.year, "departments": rows, "total": total}
            ).data
        )


class SpendReportApi(APIView):
    """The same measures broken down by month, category, vendor scale, district or vendor."""

    permission_classes = [ReadsDepartments]

    class FilterSerializer(ReportFilterSerializer):
        group_by = serializers.ChoiceField(choices=list(GROUPS), default="month")

    class OutputSerializer(serializers.Serializer):
        class RowSerializer(serializers.Serializer):
            key = serializers.CharField(allow_null=True)
            label = serializers.CharField()
            committed = serializers.IntegerField()
            realised = serializers.IntegerField()
            spent = serializers.IntegerField()
            small_business = serializers.IntegerField()
            local = serializers.IntegerField()
            priority_area = serializers.IntegerField()
            women_led = serializers.IntegerField()

        fiscal_year = serializers.IntegerField()
        group_by = serializers.CharField()
        rows = RowSerializer(many=True)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: OutputSerializer, 404: refusal(404)}
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        fiscal_year, departments = report_scope(request, filters.validated_data)
        group_by = filters.validated_data["group_by"]
        rows = spend_by(fiscal_year=fiscal_year, departments=departments, group_by=group_by)
        return Response(
            self.OutputSerializer(
                {"fiscal_year": fiscal_year.year, "group_by": group_by, "rows": rows}
            ).data
        )


class PublicSpendApi(PublicApiView):
    """Public, no login: per department, spending and the share to small local business against
    the target; how many vendors were paid, by district."""

    class OutputSerializer(serializers.Serializer):
        class DepartmentSerializer(serializers.Serializer):
            code = serializers.CharField()
            name = serializers.CharField()
            allocated = serializers.IntegerField()
            spent = serializers.IntegerField()
            small_business = serializers.IntegerField()
            small_business_share = percent_field(1)
            small_local = serializers.IntegerField()
            small_local_share = percent_field(1)
            target = percent_field(2)
            status = serializers.CharField()
            orders_paid = serializers.IntegerField()
            median_days_to_pay = serializers.DecimalField(
                max_digits=6,
                decimal_places=1,
                allow_null=True,
                coerce_to_string=False,
                help_text="working days from a complete invoice to payment, the middle "
                "payment; null before any",
            )
            paid_within_goal_share = percent_field(1, allow_null=True)
            paid_within_due_share = percent_field(1, allow_null=True)

        class DistrictSerializer(serializers.Serializer):
            district = serializers.CharField(allow_null=True)
            name = serializers.CharField()
            vendors = serializers.IntegerField()

        fiscal_year = serializers.IntegerField()
        target = percent_field(2)
        payment_due_days = serializers.IntegerField(
            help_text="the policy's target, in working days"
        )
        payment_goal_days = serializers.IntegerField(
            help_text="the policy's stretch goal, in working days"
        )
        payment_goal_share = percent_field(
            1, help_text="the share of small vendors' payments the goal asks for"
        )
        small_vendors_paid = serializers.IntegerField(help_text="payments to small vendors")
        small_vendors_within_goal = percent_field(
            1, allow_null=True, help_text="% of them paid within the goal"
        )
        departments = DepartmentSerializer(many=True)
        vendors_paid_by_district = DistrictSerializer(many=True)

    class FilterSerializer(serializers.Serializer):
        fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: OutputSerializer, 404: refusal(404)}
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        fiscal_year = report_fiscal_year(filters.validated_data.get("fiscal_year"))
        if fiscal_year is None:
            raise NotFound(_("There is no such fiscal year."))
        figures = public_figures_cached(fiscal_year=fiscal_year)
        return Response(
            self.OutputSerializer(
                {
                    "fiscal_year": fiscal_year.year,
                    "target": figures.target,
                    "payment_due_days": figures.payment_due_days,
                    "payment_goal_days": figures.payment_goal_days,
                    "payment_goal_share": settings.PAYMENT_GOAL_SHARE,
                    "small_vendors_paid": figures.small_vendors_paid,
                    "small_vendors_within_goal": figures.small_vendors_within_goal,
                    "departments": figures.departments,
                    "vendors_paid_by_district": figures.vendors_paid_by_district,
                }
            ).data
        )
