from django.urls import path

from ratings import views

urlpatterns = [
    path("ratings/", views.rating_list, name="rating-list"),
    path("orders/<int:pk>/rating/", views.rating_give, name="rating-give"),
    path("ratings/<int:pk>/change/", views.rating_change, name="rating-change"),
    path("ratings/<int:pk>/answer/", views.rating_answer, name="rating-answer"),
]
