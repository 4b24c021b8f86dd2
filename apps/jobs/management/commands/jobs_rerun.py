"""`manage.py jobs_rerun`: run failed jobs again once their cause is fixed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.jobs.models import Job, JobStatus
from apps.jobs.outbox import jobs_rerun


class Command(BaseCommand):
    help = "Re-run FAILED jobs: by id, or every failed job (optionally of one task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="Job ids.")
        parser.add_argument(
            "--all-failed", action="store_true", help="Every FAILED job."
        )
        parser.add_argument(
            "--task", help="With --all-failed: only jobs of this task path."
        )

    def handle(
        self,
        *args: Any,
        ids: list[int],
        all_failed: bool,
        task: str | None,
        **options: Any,
    ) -> None:
        if bool(ids) == all_failed:
            msg = "Give job ids or --all-failed (not both)."
            raise CommandError(msg)
        if all_failed:
            failed = Job.objects.filter(status=JobStatus.FAILED)
            if task:
                failed = failed.filter(task_path=task)
            ids = list(failed.values_list("pk", flat=True))
        count = jobs_rerun(ids)
        self.stdout.write(f"{count} failed job(s) queued to run again.")
