from django.contrib import admin
from django.urls import path

from config.metrics import metrics
from schema.graphiql import graphiql_asset
from schema.views import GraphQLView
from webhooks.api import api

urlpatterns = [
    path("graphql/", GraphQLView.as_view(), name="graphql"),
    path("graphql/assets/<str:name>", graphiql_asset, name="graphiql-asset"),
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
    path("", api.urls),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
