from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "daiban.core"
    verbose_name = "公共"
