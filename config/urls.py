from django.conf import settings
from django.contrib import admin
from django.urls import path

from config.media import media, serves_media
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

if serves_media():
    urlpatterns.insert(
        -1, path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media, name="media")
    )

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
