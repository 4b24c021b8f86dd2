"""GraphQL limits and switches; see docs/graphql.md for why each value."""

from config import env

GRAPHQL_INTROSPECTION = env.graphql_introspection()
GRAPHQL_IDE = env.graphql_ide()
GRAPHQL_MAX_DEPTH = 12
GRAPHQL_MAX_ALIASES = 30
GRAPHQL_MAX_TOKENS = 2000
GRAPHQL_MAX_VALIDATION_ERRORS = 100
GRAPHQL_MAX_ROOT_MUTATIONS = 4
GRAPHQL_MAX_PAGE_SIZE = 100
GRAPHQL_DEFAULT_PAGE_SIZE = 20

# Trusted documents (docs/trusted-documents.md, schema/core/trusted_documents.py):
# off runs any document; allow runs any and logs those not in the manifest;
# strict runs only the manifest's, unless staff are exempt and staff ask.
GRAPHQL_TRUSTED_DOCUMENTS = env.graphql_trusted_documents()
GRAPHQL_TRUSTED_DOCUMENTS_MANIFEST = env.graphql_trusted_documents_manifest()
GRAPHQL_TRUSTED_DOCUMENTS_EXEMPT_STAFF = env.graphql_trusted_documents_exempt_staff()
