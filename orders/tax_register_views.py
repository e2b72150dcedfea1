"""The treasurer's tax register, as a page with its XLSX download and through the API."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from market.errors import InvalidInput
from market.files.tabular import CONTENT_TYPES
from market.models import Department, DepartmentRole
from market.permissions import departments_where, roles_of
from market.rest import refusal
from orders.forms import TaxRegisterForm
from orders.tax_register import deposit_due_date, register_xlsx, tax_register


def _departments(user):
    """The departments whose register this person reads (their treasurer's, or all for an
    administrator); none for anyone else."""
    if roles_of(user).is_platform_admin:
        return list(Department.objects.filter(is_active=True).order_by("code"))
    return list(departments_where(user, DepartmentRole.TREASURER).order_by("code"))


def _totals(lines) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.tax] = totals.get(line.tax, 0) + line.amount
    return sorted(totals.items())


@login_required
def tax_register_page(request):
    departments = _departments(request.user)
    if not departments:  # before any input is read
        raise Http404
    today = timezone.localdate()
    form = TaxRegisterForm(
        request.GET or {"department": departments[0].code, "month": f"{today:%Y-%m}"},
        departments=departments,
    )
    context = {"form": form, "lines": None}
    if form.is_valid():
        department = next(d for d in departments if d.code == form.cleaned_data["department"])
        month = form.cleaned_data["month"]
        lines = tax_register(department=department, month=month)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                register_xlsx(lines, department=department, month=month),
                content_type=CONTENT_TYPES["xlsx"],
            )
            name = f"register-pajak-{department.code}-{month:%Y-%m}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context.update(
            department=department,
            month=month,
            lines=lines,
            totals=_totals(lines),
            deposit_due=deposit_due_date(month),
            query=request.GET.urlencode() or f"department={department.code}&month={month:%Y-%m}",
        )
    return render(request, "orders/tax_register.html", context)


class TaxRegisterApi(APIView):
    """`GET /tax-register/?department=CODE&month=YYYY-MM`: every tax the department's treasurer
    collected in the month, with the deposit's due date. The department's treasurers and
    administrators only (it names vendors' NPWP and NIK); anyone else gets 404."""

    class FilterSerializer(serializers.Serializer):
        department = serializers.CharField(max_length=20)
        month = serializers.DateField(input_formats=["%Y-%m"])

    class LineSerializer(serializers.Serializer):
        paid_on = serializers.DateField()
        vendor = serializers.CharField()
        tax_number_kind = serializers.CharField(help_text="NPWP or NIK")
        tax_number = serializers.CharField()
        tax = serializers.CharField()
        base = serializers.IntegerField()
        rate = serializers.CharField()
        amount = serializers.IntegerField()
        document = serializers.CharField(help_text="the invoice the tax was collected on")
        document_date = serializers.DateField()
        order_id = serializers.IntegerField()

    class OutputSerializer(serializers.Serializer):
        department = serializers.CharField()
        month = serializers.CharField()
        deposit_due = serializers.DateField(help_text="the 15th of the next month (PMK 81/2024)")
        lines = serializers.ListField(child=serializers.DictField())
        total = serializers.IntegerField()

    @extend_schema(
        parameters=[FilterSerializer], responses={200: OutputSerializer, 404: refusal(404)}
    )
    def get(self, request):
        departments = {department.code: department for department in _departments(request.user)}
        if not departments:  # before any input is read
            raise NotFound
        code = request.query_params.get("department")
        if code and code not in departments:  # not theirs: nothing here, whatever the month
            raise NotFound
        filters = self.FilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise InvalidInput(filters.errors)
        department = departments[filters.validated_data["department"]]
        month = filters.validated_data["month"]
        lines = tax_register(department=department, month=month)
        return Response(
            {
                "department": department.code,
                "month": f"{month:%Y-%m}",
                "deposit_due": deposit_due_date(month),
                "lines": self.LineSerializer(lines, many=True).data,
                "total": sum(line.amount for line in lines),
            }
        )
