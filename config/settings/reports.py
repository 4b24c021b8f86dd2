"""Sales reports."""

from config import env

# The shop's own time zone: reports count days, weeks and months in it.
SHOP_TIME_ZONE = env.shop_time_zone()

# Reports are in one currency at a time: this one unless asked otherwise.
SHOP_CURRENCY = "USD"
