from django.urls import path

from procurement import views

urlpatterns = [
    path("budgets/", views.budget_list, name="budget-list"),
    path("policies/", views.policy_list, name="policy-list"),
    path("reports/", views.report_dashboard, name="report-dashboard"),
    path("transparency/", views.transparency, name="transparency"),
    path("reports/<slug:code>/", views.report_department, name="report-department"),
    path("policies/<int:year>/", views.policy_edit, name="policy-edit"),
]
