from django.urls import path

from quotes import views

urlpatterns = [
    path("quotes/", views.quote_list, name="quote-list"),
    path("quotes/new/", views.quote_new, name="quote-new"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote-detail"),
    path(
        "quotes/<int:pk>/<slug:action>/",
        views.quote_action,
        name="quote-action",
    ),
    path("vendor/quotes/", views.vendor_quotes, name="vendor-quotes"),
    path("vendor/quotes/<int:pk>/", views.vendor_quote, name="vendor-quote"),
    path(
        "vendor/quotes/<int:pk>/withdraw/",
        views.vendor_quote_withdraw,
        name="vendor-quote-withdraw",
    ),
]
