from django.urls import path

from procurement import views

urlpatterns = [
    path("budgets/", views.budget_list, name="budget-list"),
]
