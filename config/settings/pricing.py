"""Pricing: whether catalog prices include tax (apps/pricing/totals.py)."""

from config import env

# True: prices are entered gross (tax included, as UK and EU shops show
# them) and each line's tax is taken out of them; False: net, tax added.
PRICES_INCLUDE_TAX = env.env.bool("PRICES_INCLUDE_TAX", default=False)

# Checkouts untouched for this many days are deleted by the
# `checkouts_purge` job (they reserve nothing; this only keeps the table small).
CHECKOUT_ABANDONED_DAYS = env.env.int("CHECKOUT_ABANDONED_DAYS", default=30)

# The link to a guest's order in its emails ({token}: the checkout's token).
ORDER_STATUS_URL = env.order_status_url()
