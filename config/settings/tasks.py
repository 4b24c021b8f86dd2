"""Background jobs: django.tasks backends, the outbox's timings, periodic jobs.

The backend follows the environment: Redis (django-tasks-redis, Streams)
when REDIS_URL is set, else the database (django-tasks-db), so `make run`
needs no Redis. Either only carries "run job N" to a worker: the outbox in
`apps.jobs` decides what runs, retries it and recovers lost work
(docs/jobs.md, docs/decisions/0003-task-backend.md).
"""

from datetime import timedelta
from typing import Any

from config.env import env as _env
from config.env import redis_url, tasks_backend

JOBS_QUEUES = ["emails", "critical", "analytics"]

TASKS_BACKEND = tasks_backend()
TASK_BACKEND_CONFIGS: dict[str, dict[str, Any]] = {
    "redis": {
        "BACKEND": "apps.jobs.redis_backend.RedisTaskBackend",
        "QUEUES": JOBS_QUEUES,
        "OPTIONS": {
            "REDIS_URL": redis_url() or "redis://127.0.0.1:6379/0",
            "REDIS_KEY_PREFIX": "fashionistar:tasks",
            # A request enqueues after commit: it waits at most this long on
            # a Redis that hangs (CLIENT PAUSE, full memory, lost network)
            # before the outbox takes over.
            "REDIS_SOCKET_CONNECT_TIMEOUT": _env.float(
                "REDIS_CONNECT_TIMEOUT", default=0.5
            ),
            "REDIS_SOCKET_TIMEOUT": _env.float("REDIS_SOCKET_TIMEOUT", default=1.5),
            # A worker's blocking read must end before the socket timeout.
            "REDIS_BLOCK_TIMEOUT": 1000,
            # Results are not read back (the outbox row is the record).
            "REDIS_RESULT_TTL": 24 * 3600,
            # The outbox lease finds dead workers first; the broker's own
            # reclaim is a second, slower net that the claim makes harmless.
            "REDIS_CLAIM_TIMEOUT": 600,
        },
    },
    "database": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": JOBS_QUEUES,
    },
    "immediate": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": JOBS_QUEUES,
    },
}
TASKS = {"default": TASK_BACKEND_CONFIGS[TASKS_BACKEND]}

# A transient failure is retried after each of these delays, +-jitter (a
# fraction of the delay): 4 attempts in all by default.
JOBS_RETRY_DELAYS = [
    timedelta(seconds=s)
    for s in _env.list("JOBS_RETRY_DELAYS", cast=float, default=[60, 120, 240])
]
JOBS_RETRY_JITTER = _env.float("JOBS_RETRY_JITTER", default=0.1)
# A running job renews its lease every third of it; a job whose lease ran
# out (worker killed) is handed out again by the reconciler.
JOBS_LEASE = timedelta(seconds=_env.float("JOBS_LEASE_SECONDS", default=60))
# A relayed job that has not started after this is relayed again (the
# broker lost it, e.g. Redis restarted without persistence).
JOBS_REDELIVER_AFTER = timedelta(
    seconds=_env.float("JOBS_REDELIVER_SECONDS", default=120)
)
JOBS_RECONCILE_INTERVAL = timedelta(
    seconds=_env.float("JOBS_RECONCILE_SECONDS", default=5)
)
# After a failed relay, requests stop relaying for this long.
JOBS_RELAY_PAUSE = timedelta(seconds=_env.float("JOBS_RELAY_PAUSE_SECONDS", default=10))
# On SIGTERM a worker finishes its running task for at most this long, then
# exits (the lease hands the job on). Keep it below the supervisor's own
# grace: Kubernetes waits 30 s by default before SIGKILL.
JOBS_SHUTDOWN_GRACE = timedelta(
    seconds=_env.float("JOBS_SHUTDOWN_GRACE_SECONDS", default=25)
)
JOBS_KEEP_SUCCEEDED = timedelta(days=7)
JOBS_KEEP_FAILED = timedelta(days=30)

# name -> (task path, period): enqueued once per period by `jobs_beat`.
JOBS_PERIODIC = {
    "orders_expire": ("apps.orders.tasks.orders_expire_task", timedelta(minutes=1)),
    "idempotency_purge": (
        "apps.core.tasks.idempotency_records_purge_task",
        timedelta(hours=1),
    ),
    "tokens_purge": ("apps.accounts.tasks.tokens_purge_task", timedelta(hours=1)),
    "jobs_purge": ("apps.jobs.tasks.jobs_purge_task", timedelta(hours=6)),
    "checkouts_purge": (
        "apps.checkout.tasks.checkouts_purge_task",
        timedelta(hours=6),
    ),
    "search_words_prune": (
        "apps.catalog.tasks.search_words_prune_task",
        timedelta(days=1),
    ),
}
