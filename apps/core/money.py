"""Money rules shared by every app: currencies, precision, bounds."""

from decimal import Decimal

# ISO 4217 codes the marketplace sells in.
CURRENCIES = ("EUR", "GBP", "NGN", "USD")
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]

MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
MONEY_MAX = Decimal("9999999999.99")

_CENT = Decimal(10) ** -MONEY_DECIMAL_PLACES


def quantize_money(amount: Decimal) -> Decimal:
    """Return `amount` with exactly two decimal places (aggregates may lose them)."""
    return amount.quantize(_CENT)
