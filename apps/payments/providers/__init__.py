"""The payment providers, one module each, behind one protocol (base.py).

Adding a provider: write its module, add it to REGISTRY, and add its value
to `apps.payments.models.Provider` (a database choice) and its GraphQL enum.
"""

from __future__ import annotations

from django.conf import settings

from apps.payments.models import Provider
from apps.payments.providers import paystack, stripe
from apps.payments.providers.base import Gateway, PaymentProvider

REGISTRY: dict[Provider, PaymentProvider] = {
    Provider.STRIPE: stripe.PROVIDER,
    Provider.PAYSTACK: paystack.PROVIDER,
}


def get(provider: Provider | str) -> PaymentProvider:
    """The module behind `provider`: its webhooks, its API, its simulation."""
    return REGISTRY[Provider(provider)]


def gateway(provider: Provider | str) -> Gateway:
    """Where money moves for `provider`: its API, or the simulator.

    `settings.PAYMENTS_ADAPTER` chooses, read at each call.
    """
    if settings.PAYMENTS_ADAPTER == "simulated":
        from apps.payments.providers import simulated  # imports this package

        return simulated.Simulated(get(provider))
    return get(provider)
