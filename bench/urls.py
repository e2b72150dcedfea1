"""The app's URLs, and the bare Django REST Framework list the benchmark compares it with."""

from django.urls import path

from bench.baseline import BareProductList
from pasar.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bare/products/", BareProductList.as_view()), *app_urlpatterns]
