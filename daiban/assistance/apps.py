from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "daiban.assistance"
    verbose_name = "救助转介"

    def ready(self) -> None:
        from daiban.assistance import wiring

        wiring.connect()
