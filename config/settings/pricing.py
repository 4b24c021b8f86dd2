"""Pricing: whether catalog prices include tax (apps/pricing/totals.py)."""

from config import env

# True: prices are entered gross (tax included, as UK and EU shops show
# them) and each line's tax is taken out of them; False: net, tax added.
PRICES_INCLUDE_TAX = env.env.bool("PRICES_INCLUDE_TAX", default=False)
