"""``django.contrib.admin`` with the project's admin site (kept apart from ``admin_site``: an app config module
must not import models)."""

from django.contrib.admin.apps import AdminConfig


class HarrowAdminConfig(AdminConfig):
    default_site = "harrow_bbp.admin_site.HarrowAdminSite"
