from django.urls import path

from bench.baseline import plain, products
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/products", products),
    path("bench/plain", plain),
    *app_urlpatterns,
]
