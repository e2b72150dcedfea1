from django.urls import path

from procurement import api

urlpatterns = [
    path("departments/", api.DepartmentListApi.as_view(), name="department-list"),
    path("budgets/", api.BudgetLineListApi.as_view(), name="budget-list"),
]
