from django.conf import settings
from django.contrib import admin
from django.urls import path

from schema.graphiql import graphiql_asset
from schema.views import GraphQLView
from webhooks.api import api

urlpatterns = [
    path("graphql/", GraphQLView.as_view(), name="graphql"),
    path("graphql/assets/<str:name>", graphiql_asset, name="graphiql-asset"),
    path("admin/", admin.site.urls),
    path("", api.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
