"""Orders: payment window, anti-hoarding caps, stock locking, idempotency.

Plain constants unless an operator needs to change one per deployment, then
read through `config.env`. docs/orders.md explains each number.
"""

from datetime import timedelta

from config import env

# An unpaid order holds its stock this long; `expire_orders` then cancels it.
ORDERS_PAYMENT_WINDOW = timedelta(minutes=30)

# One customer cannot hoard stock: units on one line, and units across all
# of the customer's unpaid (PENDING_PAYMENT, not yet expired) orders.
ORDERS_MAX_UNITS_PER_LINE = 50
ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 50

# An unpaid order's units keep counting towards the open-units cap this long
# after its payment window ends, even if the customer cancelled it or let it
# expire: cancelling and re-reserving cannot renew a hold, and a customer can
# hold a given allowance at most half the time without paying.
ORDERS_HOLD_COOLDOWN = timedelta(minutes=30)

# Lines on one order. Checked before anything else, so a huge input is
# refused with one error instead of one per line.
ORDERS_MAX_LINES = 50

# Only accounts with a verified email may reserve stock (staff excepted: an
# operator made them). Off: unverified customers may, up to the stricter
# cap below on units held (counted like ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER).
ACCOUNT_REQUIRE_VERIFIED_EMAIL = env.account_require_verified_email()
ORDERS_MAX_OPEN_UNITS_UNVERIFIED = 5

# Orders one customer may place: a burst of this many, refilled evenly over
# the period (a leaky bucket per customer, apps/core/ratelimit.py). A shopper
# places one or two orders in a sitting; ten an hour leaves room for a second
# basket and for starting over, while a script re-reserving stock is stopped.
ORDERS_PLACE_RATE_COUNT = 10
ORDERS_PLACE_RATE_PERIOD = timedelta(hours=1)

# How long a stock change waits for a row another transaction holds before
# giving up with the retryable STOCK_BUSY (PostgreSQL `lock_timeout`).
STOCK_LOCK_TIMEOUT = timedelta(seconds=2)

# Deadlocks and serialization failures are retried inside the service this
# many times (after the first attempt), with a short jittered backoff.
ORDERS_TRANSACTION_RETRIES = 3

# Stored idempotency records (request hash + response) are replayed for at
# least this long; `idempotency_records_purge` deletes older ones. Shared by
# every state-changing operation, not only orders (see docs/idempotency.md).
IDEMPOTENCY_RETENTION = timedelta(hours=24)
