from typing import Any

from django.db import models

from apps.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


def money_field(*, extra_digits: int = 0, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    """A Decimal amount with the shop's precision; `extra_digits` for sums."""
    return models.DecimalField(
        max_digits=MONEY_MAX_DIGITS + extra_digits,
        decimal_places=MONEY_DECIMAL_PLACES,
        **kwargs,
    )


class TimeStamped(models.Model):
    """Creation and last-update times, both set by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """One state-changing request, remembered so that a retry replays it.

    Scoped by (operation, owner, key): the same key may be reused by another
    customer or for another operation. The row is written in the same
    transaction as the work it records, so a committed row always holds the
    response and a failed request leaves no row behind.
    """

    operation = models.CharField(max_length=100)
    owner = models.CharField(
        max_length=100, help_text="Who sent the request, e.g. 'user:42'."
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the canonical JSON of the request."
    )
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "owner", "key"],
                name="core_idempotency_unique_scope",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="core_idempotency_created"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.owner} {self.key}"
