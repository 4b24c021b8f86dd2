"""Background work about checkouts."""

from __future__ import annotations

from django.tasks import task

from apps.checkout import services


@task(queue_name="analytics")
def checkouts_purge_task() -> int:
    """Delete abandoned checkouts (CHECKOUT_ABANDONED_DAYS); return how many."""
    return services.checkouts_purge()
