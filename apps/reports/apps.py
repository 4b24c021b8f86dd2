from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"

    def ready(self) -> None:
        from apps.reports.subscriptions import order_events_subscribe

        order_events_subscribe()
