from django.apps import AppConfig


class HarrowBbpConfig(AppConfig):
    name = "harrow_bbp"
    verbose_name = "Users and access"
