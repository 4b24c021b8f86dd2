from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from apps.core.addresses import ADDRESS_RULES


def name_split(full_name: str) -> tuple[str, str]:
    """Split a name into (first, last) at its first space.

    "Gabriel García Márquez" gives ("Gabriel", "García Márquez"): compound
    family names stay whole; a middle name goes with the family name.
    """
    first, _, last = " ".join(full_name.split()).partition(" ")
    return first, last


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by a normalised email address."""

    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        if not email:
            msg = "Users must have an email address."
            raise ValueError(msg)
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A customer or a staff member, identified by email (unique, any case)."""

    email = models.EmailField(max_length=254, unique=True)
    # Saleor's and Shopify's split: a greeting uses the first name alone.
    first_name = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the owner proved control of `email` (accountVerifyEmail).
    email_verified_at = models.DateTimeField(null=True, blank=True)
    default_shipping_address = models.ForeignKey(
        "accounts.Address",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Offered first at checkout; one of the user's own addresses.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def full_name(self) -> str:
        """First and last name joined by a space; empty when neither is set."""
        return f"{self.first_name} {self.last_name}".strip()

    @full_name.setter
    def full_name(self, value: str) -> None:
        # Lets User(full_name="Ada Lovelace") keep working (Django passes
        # property keyword arguments to the setter).
        self.first_name, self.last_name = name_split(value)


class TokenFamily(models.Model):
    """One sign-in of an API client: its chain of rotated tokens.

    Revoking the family (sign-out, or a reused refresh token) ends every
    access and refresh token issued in it at once.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="token_families"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name_plural = "token families"

    def __str__(self) -> str:
        return f"token family {self.pk} of user {self.user_id}"


class ApiToken(models.Model):
    """A bearer access token or a refresh token, stored only as its SHA-256."""

    class Kind(models.TextChoices):
        ACCESS = "access", "access"
        REFRESH = "refresh", "refresh"

    family = models.ForeignKey(
        TokenFamily, on_delete=models.CASCADE, related_name="tokens"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Refresh tokens only: when it was exchanged for the next pair. A second
    # exchange is a reuse: the token was stolen, or the client is broken.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="accounts_token_expiry")]

    def __str__(self) -> str:
        return f"{self.kind} token {self.pk}"


class KnownSignInAddress(models.Model):
    """An address a user gave the right password from, and when last.

    Sign-ins from a known address skip the per-account bucket, so a guesser
    spread over many addresses cannot lock the owner out where the owner
    usually signs in (docs/decisions/0002-api-tokens.md).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    address = models.GenericIPAddressField()
    last_signed_in_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "address"], name="accounts_known_address_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} known for user {self.user_id}"


class SentEmail(models.Model):
    """A transactional email that was sent, keyed so it is sent only once."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


def _address_field(name: str) -> models.CharField[str, str]:
    required, max_length = ADDRESS_RULES[name]
    return models.CharField(max_length=max_length, blank=not required)


class Address(models.Model):
    """An address a customer saved in their address book."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = _address_field("full_name")
    line1 = _address_field("line1")
    line2 = _address_field("line2")
    city = _address_field("city")
    postal_code = _address_field("postal_code")
    country = _address_field("country")
    phone = _address_field("phone")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["user", "id"], name="accounts_address_user")]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city} ({self.country})"
