"""Accounts and API tokens: lifetimes and the login throttle.

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

# Failed tokenCreate attempts counted over a sliding window. The pair limit
# slows guessing one account's password from one address; the address limit
# slows credential stuffing across many accounts. Neither locks an account
# for everyone, so an attacker cannot lock its owner out (see 0002).
AUTH_LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS = 50
AUTH_TRUSTED_PROXY_HOPS = env.auth_trusted_proxy_hops()
