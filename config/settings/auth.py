"""Accounts and API tokens: lifetimes, sign-in and registration throttles.

docs/decisions/0002-api-tokens.md says why each value.
"""

from datetime import timedelta

from config import env

# Bearer access tokens: short, so a leaked one is useful only briefly; they
# are checked against the database on every request, so revocation is
# immediate anyway.
AUTH_ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
# Refresh tokens rotate on every use; each new one lives this long (sliding).
AUTH_REFRESH_TOKEN_LIFETIME = timedelta(days=30)
# Email verification links.
AUTH_EMAIL_VERIFICATION_LIFETIME = timedelta(days=3)
EMAIL_VERIFICATION_URL = env.email_verification_url()
# Password reset links (Django's token generator): one hour, and single-use,
# since the token is bound to the password it replaces.
PASSWORD_RESET_TIMEOUT = 3600
PASSWORD_RESET_URL = env.password_reset_url()

# Sign-in attempts (tokenCreate and /admin/login/), right password or wrong,
# are taken from leaky buckets (apps.core.ratelimit) before the password is
# checked. Each bucket holds its count and refills fully over the window, so
# a full bucket allows a burst of that many, then one attempt per
# window/count (every 3 minutes for the pair). The pair slows guessing one
# account from one address; the address slows credential stuffing; the
# account slows a guesser spread over many addresses, and skips addresses the
# owner signed in from, so the guesser cannot lock the owner out (see 0002).
AUTH_LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS = 5
AUTH_LOGIN_ATTEMPTS_PER_ADDRESS = 50
AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT = 10
# How long an address stays known after a right password was given from it.
AUTH_LOGIN_KNOWN_ADDRESS_LIFETIME = timedelta(days=90)
# accountRegister per client address (each attempt counts, failed or not):
# a family or an office rarely opens more than a few accounts an hour; a
# script gets 10 an hour per address instead of unlimited free accounts.
AUTH_REGISTRATIONS_PER_ADDRESS = 10
AUTH_REGISTRATION_WINDOW = timedelta(hours=1)
# requestPasswordReset: per address (a script probing emails) and per email
# (someone flooding one inbox with reset mail), every request counting.
AUTH_PASSWORD_RESETS_PER_ADDRESS = 10
AUTH_PASSWORD_RESETS_PER_EMAIL = 3
AUTH_PASSWORD_RESET_WINDOW = timedelta(hours=1)
# sendConfirmationEmail: a new verification link, 3 an hour per account.
AUTH_VERIFICATION_RESENDS_PER_ACCOUNT = 3
AUTH_VERIFICATION_RESEND_WINDOW = timedelta(hours=1)

AUTH_TRUSTED_PROXY_HOPS = env.auth_trusted_proxy_hops()
