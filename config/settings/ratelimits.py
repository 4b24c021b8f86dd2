"""Rate limits: where buckets live. Each bucket's numbers sit beside its user.

docs/security.md lists every limit, what a client sees and how to raise it.
"""

from config import env

# Seconds a rate-limit call waits on Redis before degrading to this process's
# memory (apps/core/ratelimit.py).
RATE_LIMIT_REDIS_TIMEOUT = env.env.float("RATE_LIMIT_REDIS_TIMEOUT", default=0.25)
