"""Orders: payment window, anti-hoarding caps, stock locking, idempotency.

Plain constants for now; move any of them behind `config.env` when an
operator needs to change it per deployment.
"""

from datetime import timedelta

# An unpaid order holds its stock this long; `expire_orders` then cancels it.
ORDERS_PAYMENT_WINDOW = timedelta(minutes=30)

# One customer cannot hoard stock: units on one line, and units across all
# of the customer's unpaid (PENDING_PAYMENT, not yet expired) orders.
ORDERS_MAX_UNITS_PER_LINE = 50
ORDERS_MAX_OPEN_UNITS_PER_CUSTOMER = 50

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
