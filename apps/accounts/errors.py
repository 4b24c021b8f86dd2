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
    INVALID_ADDRESS = "INVALID_ADDRESS"
    ADDRESS_NOT_FOUND = "ADDRESS_NOT_FOUND"
    ADDRESS_BOOK_FULL = "ADDRESS_BOOK_FULL"


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
            "Too many sign-in attempts (for this email, from this address, or "
            "for this email from anywhere), or too many registrations from this "
            "address; the message and the Retry-After header give the seconds "
            "to wait."
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
        AccountErrorCode.INVALID_ADDRESS: (
            "An address field is blank, too long, or not an ISO 3166-1 country "
            "code; `field` names it."
        ),
        AccountErrorCode.ADDRESS_NOT_FOUND: (
            "No address of yours has this ID (another customer's looks the same)."
        ),
        AccountErrorCode.ADDRESS_BOOK_FULL: "The address book is full: delete one first.",
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


class ThrottledError(AccountError):
    """A request refused by a rate limit; `retry_after_seconds` says when to retry."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(
            AccountErrorCode.THROTTLED,
            f"{message} Try again in {retry_after_seconds} seconds.",
        )
        self.retry_after_seconds = retry_after_seconds


class LoginThrottledError(ThrottledError):
    """Too many sign-in attempts for this account or from this address."""

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many sign-in attempts.", retry_after_seconds=retry_after_seconds
        )


class PasswordResetThrottledError(ThrottledError):
    """Too many password reset requests for this email or from this address."""

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many password reset requests.",
            retry_after_seconds=retry_after_seconds,
        )


class VerificationResendThrottledError(ThrottledError):
    """Too many verification emails asked for by this account."""

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many verification emails asked for.",
            retry_after_seconds=retry_after_seconds,
        )


class RegistrationThrottledError(ThrottledError):
    """Too many registrations from this address."""

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "Too many accounts registered from this address.",
            retry_after_seconds=retry_after_seconds,
        )


class TokenError(AccountError):
    """A token that is unknown, revoked, expired or already used."""
