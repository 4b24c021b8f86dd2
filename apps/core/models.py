from django.db import models


class TimeStamped(models.Model):
    """Creation and last-update times, both set by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
