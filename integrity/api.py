"""The integrity console through the API: flags (filtered), one flag with its evidence, its
review; scans. Finance officers and inspectors only; anyone else gets 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from integrity import services
from integrity.models import Flag, FlagStatus, Indicator, Scan
from integrity.permissions import flag_departments, reads_flags, reviews_flags
from integrity.selectors import flag_evidence, flag_filter, flag_for, flags_listed_for
from integrity.words import category_names, rule_label, summary
from market.errors import InvalidInput
from market.rest import ServiceInputSerializer, refusal, run_serializer
from procurement.models import FiscalYear
from procurement.selectors import fiscal_year_current
from vendors.models import Vendor


class FlagSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", default=None)
    vendor = serializers.SerializerMethodField()
    fiscal_year = serializers.IntegerField(source="fiscal_year.year", default=None)
    rule_label = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="what was found, in words")

    class Meta:
        model = Flag
        fields = [
            "id",
            "indicator",
            "rule",
            "rule_label",
            "summary",
            "fiscal_year",
            "department",
            "vendor",
            "figures",
            "status",
            "raised_at",
            "updated_at",
            "reviewed_at",
        ]

    def get_vendor(self, flag) -> dict | None:
        if not flag.vendor_id:
            return None
        return {"id": flag.vendor_id, "name": flag.vendor.display_name}

    def get_rule_label(self, flag) -> str:
        return rule_label(flag.rule)

    def get_summary(self, flag) -> str:
        return summary(flag, self.context.get("categories", {}))


class FlagDetailSerializer(FlagSerializer):
    evidence = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    review_reason = serializers.CharField()

    class Meta(FlagSerializer.Meta):
        fields = [*FlagSerializer.Meta.fields, "review_reason", "evidence", "history"]

    def get_evidence(self, flag) -> dict:
        evidence = self.context["evidence"]
        return {
            # Every one by id; the first EVIDENCE_SHOWN of each described below.
            "order_ids": flag.order_ids,
            "line_ids": flag.line_ids,
            "orders": [
                {
                    "id": order.pk,
                    "number": order.number,
                    "department": order.department.code,
                    "vendor": order.vendor.display_name,
                    "total": order.total,
                    "status": order.status,
                    "submitted_at": order.submitted_at,
                }
                for order in evidence.orders
            ],
            "lines": [
                {
                    "id": line.pk,
                    "order": line.order.number,
                    "product": line.product_name,
                    "category": line.category,
                    "unit": line.unit,
                    "unit_price": line.unit_price,
                    "quantity": str(line.quantity),
                    "total": line.total,
                }
                for line in evidence.lines
            ],
            "vendors": [
                {
                    "id": vendor.pk,
                    "name": vendor.display_name,
                    "status": vendor.status,
                    "scale": vendor.scale,
                }
                for vendor in evidence.vendors
            ],
        }

    def get_history(self, flag) -> list[dict]:
        raised = {
            "kind": "raised",
            "at": flag.raised_at,
            "by": None,
            "scan": flag.raised_by_id,
            "details": {},
            "note": "",
        }
        return [
            raised,
            *(
                {
                    "kind": event.kind,
                    "at": event.at,
                    "by": event.by.display_name if event.by_id else None,
                    "scan": event.scan_id,
                    "details": event.details,
                    "note": event.note,
                }
                for event in self.context["evidence"].events
            ),
        ]


class FlagListApi(generics.ListAPIView):
    """Red flags, newest first, for finance officers and inspectors (never a department's own):
    filter by `indicator`, `department` (code), `vendor` (id), `status`, `fiscal_year`."""

    serializer_class = FlagSerializer

    class FilterSerializer(serializers.Serializer):
        indicator = serializers.ChoiceField(choices=Indicator.choices, required=False)
        department = serializers.CharField(required=False, max_length=20)
        vendor = serializers.IntegerField(required=False, min_value=1, max_value=2**53)
        status = serializers.ChoiceField(choices=FlagStatus.choices, required=False)
        fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Flag.objects.none()
        user = self.request.user
        if not reads_flags(user):  # before any input is read
            raise NotFound
        filters = self.FilterSerializer(data=self.request.query_params)
        if not filters.is_valid():
            raise InvalidInput(filters.errors)
        values = filters.validated_data
        chosen = {"indicator": values.get("indicator", ""), "status": values.get("status", "")}
        if "department" in values:
            chosen["department"] = (
                flag_departments(user).filter(code__iexact=values["department"]).first()
            )
            if chosen["department"] is None:
                raise NotFound
        if "vendor" in values:
            chosen["vendor"] = get_object_or_404(Vendor, pk=values["vendor"])
        if "fiscal_year" in values:
            chosen["fiscal_year"] = get_object_or_404(FiscalYear, year=values["fiscal_year"])
        return flag_filter(flags_listed_for(user), **chosen)

    def get_serializer(self, *args, **kwargs):
        flags = args[0] if args else []
        kwargs["context"] = {**self.get_serializer_context(), "categories": category_names(flags)}
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: FlagSerializer(many=True), 404: refusal(404)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _flag_or_404(request, pk) -> Flag:
    if not reads_flags(request.user):
        raise NotFound
    flag = flag_for(request.user, pk)
    if flag is None:
        raise NotFound
    return flag


def _detail(request, flag: Flag) -> dict:
    context = {
        "request": request,
        "categories": category_names([flag]),
        "evidence": flag_evidence(flag),
    }
    return FlagDetailSerializer(flag, context=context).data


class FlagDetailApi(APIView):
    """One flag: its figures, its evidence (orders, lines, vendors) and its history."""

    @extend_schema(responses={200: FlagDetailSerializer, 404: refusal(404)})
    def get(self, request, pk):
        return Response(_detail(request, _flag_or_404(request, pk)))


class FlagReviewApi(APIView):
    """Close a flag as `explained` or `referred` (for audit) with the reason: inspectors."""

    class InputSerializer(ServiceInputSerializer):
        outcome = serializers.ChoiceField(choices=services.OUTCOMES)
        reason = serializers.CharField(max_length=2000, trim_whitespace=False)

        def problems(self, values):
            return services.review_problems(
                outcome=values.get("outcome"), reason=values.get("reason", "")
            )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: FlagDetailSerializer,
            400: refusal(400),
            403: refusal(403),
            404: refusal(404),
        },
    )
    def post(self, request, pk):
        flag = _flag_or_404(request, pk)
        if not reviews_flags(request.user):  # before the input is read
            raise PermissionDenied
        flag = run_serializer(
            self.InputSerializer(data=request.data),
            lambda values: services.flag_review(
                flag=flag, by=request.user, outcome=values["outcome"], reason=values["reason"]
            ),
        )
        return Response(_detail(request, flag_for(request.user, flag.pk)))


class ScanSerializer(serializers.ModelSerializer):
    fiscal_year = serializers.IntegerField(source="fiscal_year.year")
    progress = serializers.IntegerField(help_text="percent of the indicators run")

    class Meta:
        model = Scan
        fields = [
            "id",
            "fiscal_year",
            "status",
            "progress",
            "raised",
            "extended",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]


class ScanListApi(APIView):
    """POST starts a scan of the current fiscal year (202), or answers the one running."""

    @extend_schema(request=None, responses={202: ScanSerializer, 404: refusal(404)})
    def post(self, request):
        if not reads_flags(request.user):
            raise NotFound
        fiscal_year = fiscal_year_current()
        if fiscal_year is None:
            raise NotFound
        scan = services.scan_request(by=request.user, fiscal_year=fiscal_year)
        scan.refresh_from_db()
        return Response(ScanSerializer(scan).data, status=status.HTTP_202_ACCEPTED)


class ScanDetailApi(generics.RetrieveAPIView):
    """One scan: how far it is, and what it found."""

    serializer_class = ScanSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Scan.objects.none()
        if not reads_flags(self.request.user):
            raise NotFound
        return Scan.objects.select_related("fiscal_year")
