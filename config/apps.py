from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, with the site whose login is throttled."""

    # Django's documented way to replace `admin.site` (config/urls.py uses it).
    default_site = "config.admin.AdminSite"
