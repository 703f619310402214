from django.apps import AppConfig


class UrgentConfig(AppConfig):
    name = "daiban.urgent"
    verbose_name = "重大紧急事项"

    def ready(self) -> None:
        from daiban.urgent import wiring

        wiring.connect()
