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

# Automatic persisted queries, Apollo's APQ (schema/core/persisted_queries.py,
# docs/graphql.md "Persisted queries"): registered texts live in Redis this
# many seconds (7 days), up to this many per process in memory in front of it;
# a text over the byte cap runs but is not kept. Never registered in strict
# trusted-documents mode; GRAPHQL_APQ=off stops registering anywhere.
GRAPHQL_APQ = env.env.bool("GRAPHQL_APQ", default=True)
GRAPHQL_APQ_TTL = env.env.int("GRAPHQL_APQ_TTL", default=7 * 24 * 3600)
GRAPHQL_APQ_LOCAL_ENTRIES = env.env.int("GRAPHQL_APQ_LOCAL_ENTRIES", default=1_000)
GRAPHQL_APQ_MAX_BYTES = env.env.int("GRAPHQL_APQ_MAX_BYTES", default=64 * 1024)

# Compiled plans (schema/core/plans.py, docs/graphql.md "Compiled plans"):
# complete whole object trees without graphql-core's per-field machinery,
# which stays the fallback. GRAPHQL_PLAN_VERIFY also completes every planned
# tree with graphql-core and records any difference (on in the test suite).
GRAPHQL_PLANS = env.env.bool("GRAPHQL_PLANS", default=True)
GRAPHQL_PLAN_VERIFY = env.env.bool("GRAPHQL_PLAN_VERIFY", default=False)

# Seconds a CDN or browser may keep an anonymous, error-free GET query
# (schema/http/caching.py): the bound on how stale a cached `available` is.
GRAPHQL_GET_MAX_AGE = env.env.int("GRAPHQL_GET_MAX_AGE", default=5)

# The response cache for anonymous catalog reads (schema/core/response_cache.py,
# docs/caching.md): on by default where Redis is, since only Redis shares
# invalidations between processes. Entries that read stock live at most
# GRAPHQL_STOCK_STALENESS seconds (how stale `available` may be), others
# GRAPHQL_RESPONSE_CACHE_TTL; each process keeps its most recent in memory too.
GRAPHQL_RESPONSE_CACHE = env.env.bool(
    "GRAPHQL_RESPONSE_CACHE", default=bool(env.redis_url())
)
GRAPHQL_RESPONSE_CACHE_TTL = env.env.int("GRAPHQL_RESPONSE_CACHE_TTL", default=300)
GRAPHQL_STOCK_STALENESS = env.env.int("GRAPHQL_STOCK_STALENESS", default=5)
GRAPHQL_RESPONSE_CACHE_LOCAL_ENTRIES = env.env.int(
    "GRAPHQL_RESPONSE_CACHE_LOCAL_ENTRIES", default=1_000
)

# --- Query cost (schema/core/cost.py, docs/graphql.md "Query cost") ---------
# Each number can be raised from the environment under its own name.
# The most one operation may cost, in points: an upper bound on the objects it
# returns. 5,000 lets a products page with variants, prices and stock through
# (2 + 20 x (3 + 50 x 3) = 3,062 priced, about 330 returned on the demo) and
# refuses nested pages that multiply (issue 10's query: about 2 million).
GRAPHQL_MAX_QUERY_COST = env.env.int("GRAPHQL_MAX_QUERY_COST", default=5_000)
GRAPHQL_MAX_QUERY_COST_STAFF = env.env.int(
    "GRAPHQL_MAX_QUERY_COST_STAFF", default=20_000
)
# The cost bucket per client (access token, else address): two maximal
# queries in a burst, refilled at 250 points a second, about one products
# page a second once refunds are made. Shopify: 1,000 points, 50 a second.
# A query is charged its requested cost and refunded what it did not return.
GRAPHQL_COST_BUCKET_CAPACITY = env.env.int(
    "GRAPHQL_COST_BUCKET_CAPACITY", default=10_000
)
GRAPHQL_COST_BUCKET_RESTORE_RATE = env.env.float(
    "GRAPHQL_COST_BUCKET_RESTORE_RATE", default=250.0
)
GRAPHQL_COST_BUCKET_CAPACITY_STAFF = env.env.int(
    "GRAPHQL_COST_BUCKET_CAPACITY_STAFF", default=40_000
)
GRAPHQL_COST_BUCKET_RESTORE_RATE_STAFF = env.env.float(
    "GRAPHQL_COST_BUCKET_RESTORE_RATE_STAFF", default=1_000.0
)
