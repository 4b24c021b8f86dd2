"""Account and authentication errors: the codes clients branch on."""

from enum import StrEnum

from apps.core.errors import DomainError


class AccountErrorCode(StrEnum):
    INVALID_EMAIL = "INVALID_EMAIL"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    PASSWORD_INVALID = "PASSWORD_INVALID"  # noqa: S105 (a code, not a secret)
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    THROTTLED = "THROTTLED"
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 (a code, not a secret)
    TOKEN_EXPIRED = "TOKEN_EXPIRED"  # noqa: S105 (a code, not a secret)
    TOKEN_REUSED = "TOKEN_REUSED"  # noqa: S105 (a code, not a secret)
    ALREADY_VERIFIED = "ALREADY_VERIFIED"
    USER_NOT_FOUND = "USER_NOT_FOUND"


class AccountError(DomainError):
    """A registration, sign-in or token request that cannot be honoured."""


class InvalidCredentialsError(AccountError):
    """Wrong email or password; deliberately does not say which."""

    def __init__(self) -> None:
        super().__init__(
            AccountErrorCode.INVALID_CREDENTIALS, "Wrong email or password."
        )


class LoginThrottledError(AccountError):
    """Too many failed sign-ins recently from this address (for this account)."""

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            AccountErrorCode.THROTTLED,
            "Too many failed sign-in attempts. "
            f"Try again in {retry_after_seconds} seconds.",
        )
        self.retry_after_seconds = retry_after_seconds


class TokenError(AccountError):
    """A token that is unknown, revoked, expired or already used."""
