from __future__ import annotations

from datetime import datetime

import factory
from django.utils import timezone

from apps.accounts import models, services
from tests.factories.base import ModelFactory

PASSWORD = "correct-Horse-battery-9"


class UserFactory(ModelFactory[models.User]):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)
    is_active = True
    is_staff = False
    # Verified by default: most tests stand for a real shopper, and only
    # verified accounts may reserve stock. `verified=False` for a new sign-up.
    email_verified_at = factory.Maybe(
        "verified", yes_declaration=factory.LazyFunction(timezone.now)
    )

    class Params:
        verified = True
        staff = factory.Trait(is_staff=True)


def signed_in(
    user: models.User, *, address: str = "127.0.0.1", now: datetime | None = None
) -> services.TokenPair:
    """Return a token pair for `user`, made through the real service."""
    return services.token_create(
        email=user.email, password=PASSWORD, client_address=address, now=now
    )
