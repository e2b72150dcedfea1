from django.urls import path

from procurement import api

urlpatterns = [
    path("departments/", api.DepartmentListApi.as_view(), name="department-list"),
    path(
        "departments/<slug:code>/members/",
        api.DepartmentMemberListApi.as_view(),
        name="department-members",
    ),
    path("budgets/", api.BudgetLineListApi.as_view(), name="budget-list"),
    path("policies/", api.PolicyListApi.as_view(), name="policy-list"),
    path("reports/compliance/", api.ComplianceReportApi.as_view(), name="report-compliance"),
    path("reports/spend/", api.SpendReportApi.as_view(), name="report-spend"),
    path("public/spend/", api.PublicSpendApi.as_view(), name="public-spend"),
    path("policies/<int:year>/", api.PolicyDetailApi.as_view(), name="policy-detail"),
]
