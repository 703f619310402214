from django.apps import AppConfig


class UrgentConfig(AppConfig):
    name = "daiban.urgent"
    verbose_name = "重大紧急事项"
