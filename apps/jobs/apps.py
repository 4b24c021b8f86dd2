from django.apps import AppConfig

# Each task backend's package registers an admin for its own store; a page for
# a store the set-up does not use fails (the Redis task list answered 500 on
# the database backend, asking the database backend for Redis-only calls).
_BACKEND_ADMIN_MODELS = {
    "django_tasks_db.DatabaseBackend": "django_tasks_database.DBTaskResult",
    "apps.jobs.redis_backend.RedisTaskBackend": "django_tasks_redis.RedisTask",
}


class JobsConfig(AppConfig):
    name = "apps.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        """Keep only the admin of the task backend in use.

        The admin's autodiscovery ran already: django.contrib.admin is the
        first installed app, so its ready() comes before this one.
        """
        from django.apps import apps as registry
        from django.conf import settings
        from django.contrib import admin

        in_use = _BACKEND_ADMIN_MODELS.get(settings.TASKS["default"]["BACKEND"])
        for label in _BACKEND_ADMIN_MODELS.values():
            if label == in_use:
                continue
            model = registry.get_model(label)
            if admin.site.is_registered(model):
                admin.site.unregister(model)
