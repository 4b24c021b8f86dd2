"""What a task raises to say its failure will not go away by retrying."""

from __future__ import annotations


class PermanentJobError(Exception):
    """Raised by a task whose input can never succeed (e.g. the user is gone).

    The job fails at once, without retries; it stays visible and re-runnable.
    """
