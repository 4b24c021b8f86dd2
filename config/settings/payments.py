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

# "simulated" (no network; `manage.py payment_simulate` posts the webhooks)
# or "live" (Stripe and Paystack APIs with the keys below).
PAYMENTS_ADAPTER = env.payments_adapter()
STRIPE_SECRET_KEY = env.stripe_secret_key()
STRIPE_API_BASE = "https://api.stripe.com"
PAYSTACK_API_BASE = "https://api.paystack.co"
# This server as a developer reaches it (HOST/PORT): where the simulated
# adapter sends a customer "to pay" (a page served only while the adapter is
# simulated), and where `manage.py payment_simulate` posts by default.
SERVER_URL = env.server_url()
PAYMENTS_SIMULATOR_URL = f"{SERVER_URL}/simulated-checkout/"
