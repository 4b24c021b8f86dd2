from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development and benchmarks: a catalog and a year of orders.

    The top of the apps' layers: it writes into catalog, orders and payments
    and rebuilds the reports' roll-ups, and nothing imports it.
    """

    name = "apps.demo"
    label = "demo"
