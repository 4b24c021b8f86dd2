"""Payment providers: webhook secrets and verification windows.

Without secrets (production with none set) the webhook endpoints refuse
every event with 400: nothing unverified is ever stored.
"""

from config import env

STRIPE_WEBHOOK_SECRETS = env.stripe_webhook_secrets()
# Stripe's recommended window; events signed further in the past or future
# are refused (the library checks only the past, and only when asked).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
PAYSTACK_SECRET_KEY = env.paystack_secret_key()
# Biggest webhook body accepted; providers send a few kilobytes.
WEBHOOK_MAX_BODY_BYTES = 256 * 1024
