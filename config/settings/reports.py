"""Sales reports."""

from config import env

# The shop's own time zone: reports count days, weeks and months in it.
SHOP_TIME_ZONE = env.shop_time_zone()

# The shop's main currency: reports use it unless asked otherwise, and an
# empty checkout shows its zero totals in it.
SHOP_CURRENCY = "USD"

# The roll-up index's INCLUDE columns make a PostgreSQL index-only scan
# (docs/benchmarks.md); SQLite, the development default, ignores them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
