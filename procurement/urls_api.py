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
    path("policies/<int:year>/", api.PolicyDetailApi.as_view(), name="policy-detail"),
]
