from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.jobs.models import Job
from apps.jobs.outbox import jobs_rerun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = (
        "id",
        "task_path",
        "queue",
        "status",
        "attempts",
        "run_after",
        "finished_at",
    )
    list_filter = ("status", "queue", "task_path")
    search_fields = ("task_path", "key", "request_id")
    ordering = ("-id",)
    actions = ("rerun",)
    readonly_fields = tuple(field.name for field in Job._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Re-run the selected failed jobs", permissions=["change"])
    def rerun(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        count = jobs_rerun(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, f"{count} failed job(s) will run again.", messages.SUCCESS
        )
