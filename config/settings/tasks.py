"""Background tasks (django.tasks). The durable backends arrive with issue 4.

Until then tasks run in-process right after the transaction that enqueued
them commits (ImmediateBackend): correct, but not durable and not off the
request path.
"""

TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
