from django.urls import path

from ratings import api

urlpatterns = [
    path("ratings/", api.RatingListApi.as_view(), name="rating-list"),
    path("ratings/<int:pk>/", api.RatingDetailApi.as_view(), name="rating-detail"),
    path("ratings/<int:pk>/answer/", api.RatingAnswerApi.as_view(), name="rating-answer"),
    path("orders/<int:pk>/rating/", api.OrderRatingApi.as_view(), name="order-rating"),
]
