"""Account writes. Each public function is its own transaction boundary."""

from apps.accounts.services.address_book import (
    account_address_create,
    account_address_delete,
    account_address_update,
    account_default_shipping_address_set,
)
from apps.accounts.services.password_reset import (
    apassword_change,
    aset_password,
    password_reset_email_send,
    password_reset_request,
    reset_token_make,
)
from apps.accounts.services.profile import account_update
from apps.accounts.services.registration import (
    aaccount_register,
    account_register,
    account_verify_email,
    verification_email_resend,
    verification_email_send,
)
from apps.accounts.services.sign_in import (
    asign_in,
    atoken_create,
    sign_in,
    token_create,
)
from apps.accounts.services.token_families import (
    TokenPair,
    token_refresh,
    token_revoke,
    tokens_expired_purge,
)

__all__ = [
    "TokenPair",
    "aaccount_register",
    "account_address_create",
    "account_address_delete",
    "account_address_update",
    "account_default_shipping_address_set",
    "account_register",
    "account_update",
    "account_verify_email",
    "apassword_change",
    "aset_password",
    "asign_in",
    "atoken_create",
    "password_reset_email_send",
    "password_reset_request",
    "reset_token_make",
    "sign_in",
    "token_create",
    "token_refresh",
    "token_revoke",
    "tokens_expired_purge",
    "verification_email_resend",
    "verification_email_send",
]
