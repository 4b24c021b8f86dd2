"""The outbox: every background job, written with the change that causes it."""

from __future__ import annotations

from django.db import models


class Queue(models.TextChoices):
    EMAILS = "emails", "Emails"
    CRITICAL = "critical", "Critical (payments)"
    ANALYTICS = "analytics", "Analytics"


class JobStatus(models.TextChoices):
    # Waiting to run at `run_after`: new, retrying, or back from a dead worker.
    PENDING = "PENDING", "Pending"
    # Claimed by a worker that renews `lease_until` while it runs.
    RUNNING = "RUNNING", "Running"
    SUCCEEDED = "SUCCEEDED", "Succeeded"
    # Final: a permanent error, or the last attempt failed. Re-runnable.
    FAILED = "FAILED", "Failed"


class Job(models.Model):
    """One run of a django.tasks task, owned by the database, not the broker.

    The broker (Redis, or the database backend) only carries the job's id to
    a worker; this row decides whether it runs, and is final only once the
    task has finished. A reconciler hands lost or stuck jobs out again.
    """

    task_path = models.CharField(
        max_length=200, help_text="Dotted path of the django.tasks Task."
    )
    queue = models.CharField(max_length=20, choices=Queue.choices)
    kwargs = models.JSONField(default=dict, blank=True)
    key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="Enqueueing twice under one key makes one job.",
    )
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField()
    run_after = models.DateTimeField(help_text="Not started before this time.")
    relayed_at = models.DateTimeField(
        null=True, blank=True, help_text="Last handed to the broker."
    )
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A RUNNING job past this is presumed dead."
    )
    worker = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    request_id = models.CharField(max_length=100, blank=True)
    trace_context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "run_after"], name="jobs_status_run_after"),
            models.Index(fields=["queue", "status"], name="jobs_queue_status"),
            models.Index(
                fields=["lease_until"],
                name="jobs_running_lease",
                condition=models.Q(status="RUNNING"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.pk} ({self.status})"
