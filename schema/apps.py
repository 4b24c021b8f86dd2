"""The GraphQL interface as a Django app: its startup checks and commands."""

from django.apps import AppConfig
from django.core.checks import register


class SchemaConfig(AppConfig):
    name = "schema"
    label = "schema"

    def ready(self) -> None:
        from schema.core.trusted_documents import trusted_documents_check

        register(trusted_documents_check, "graphql")
