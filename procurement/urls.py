from django.urls import path

from procurement import views

urlpatterns = [
    path("budgets/", views.budget_list, name="budget-list"),
    path("policies/", views.policy_list, name="policy-list"),
    path("policies/<int:year>/", views.policy_edit, name="policy-edit"),
]
