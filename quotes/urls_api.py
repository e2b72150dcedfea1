from django.urls import path

from quotes import api

urlpatterns = [
    path("quotes/", api.QuoteListApi.as_view(), name="quote-list"),
    path("quotes/<int:pk>/", api.QuoteDetailApi.as_view(), name="quote-detail"),
    path("quotes/<int:pk>/extend/", api.QuoteExtendApi.as_view(), name="quote-extend"),
    path("quotes/<int:pk>/cancel/", api.QuoteCancelApi.as_view(), name="quote-cancel"),
    path("quotes/<int:pk>/propose/", api.QuoteProposeApi.as_view(), name="quote-propose"),
    path("quotes/<int:pk>/approve/", api.QuoteApproveApi.as_view(), name="quote-approve"),
    path("quotes/<int:pk>/send-back/", api.QuoteSendBackApi.as_view(), name="quote-send-back"),
    path("vendor/quotes/", api.VendorQuoteListApi.as_view(), name="vendor-quote-list"),
    path("vendor/quotes/<int:pk>/", api.VendorQuoteDetailApi.as_view(), name="vendor-quote-detail"),
    path("vendor/quotes/<int:pk>/offer/", api.VendorOfferApi.as_view(), name="vendor-quote-offer"),
    path(
        "vendor/quotes/<int:pk>/withdraw/",
        api.VendorOfferWithdrawApi.as_view(),
        name="vendor-quote-withdraw",
    ),
    path("public/ocds/quotes/", api.PublicQuoteOcdsApi.as_view(), name="public-quote-ocds"),
]
