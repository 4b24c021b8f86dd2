from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from schema.graphiql import graphiql_asset
from schema.views import GraphQLView
from webhooks.api import api

urlpatterns = [
    path("graphql/", csrf_exempt(GraphQLView.as_view()), name="graphql"),
    path("graphql/assets/<str:name>", graphiql_asset, name="graphiql-asset"),
    path("admin/", admin.site.urls),
    path("", api.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
