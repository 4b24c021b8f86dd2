"""The NinjaAPI for providers and probes; its OpenAPI document is at /openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from webhooks.health import router as health_router
from webhooks.payments import router as payments_router
from webhooks.reports import router as reports_router
from webhooks.simulated_checkout import router as simulated_checkout_router

api = NinjaAPI(
    title="Fashionistar webhooks and health",
    version="1.0.0",
    description="Payment-provider webhooks and health probes. GraphQL lives at /graphql/.",
    urls_namespace="webhooks",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/health", health_router)
api.add_router("/webhooks", payments_router)
api.add_router("/reports", reports_router)
api.add_router("/simulated-checkout", simulated_checkout_router)
