"""Account and authentication errors: the codes clients branch on."""

from enum import StrEnum

from apps.core.errors import DomainError, describe


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


describe(
    AccountErrorCode,
    {
        AccountErrorCode.INVALID_EMAIL: "The email address is not valid.",
        AccountErrorCode.NAME_TOO_LONG: (
            "The first or last name is longer than 200 characters."
        ),
        AccountErrorCode.EMAIL_TAKEN: (
            "An account with this email (in any case) already exists."
        ),
        AccountErrorCode.PASSWORD_INVALID: (
            "The password fails a password rule (too short, too common, all "
            "digits, too like the email); the message lists which."
        ),
        AccountErrorCode.INVALID_CREDENTIALS: (
            "Wrong email or password. Deliberately the same for an unknown "
            "email, a wrong password and a deactivated account."
        ),
        AccountErrorCode.THROTTLED: (
            "Too many failed sign-ins from this address (for this email); the "
            "message says after how many seconds to try again."
        ),
        AccountErrorCode.INVALID_TOKEN: (
            "The token is unknown, malformed, revoked, or already used."
        ),
        AccountErrorCode.TOKEN_EXPIRED: "The token was valid but has expired.",
        AccountErrorCode.TOKEN_REUSED: (
            "The refresh token had already been exchanged: the whole session "
            "(every token from that sign-in) is now revoked. Sign in again."
        ),
        AccountErrorCode.ALREADY_VERIFIED: "The email address is already verified.",
        AccountErrorCode.USER_NOT_FOUND: "No active account has this ID.",
    },
)


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
