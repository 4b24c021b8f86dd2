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
