from django.urls import path

from bench.baseline import products
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/products", products), *app_urlpatterns]
