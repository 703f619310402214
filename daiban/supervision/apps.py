from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "daiban.supervision"
    verbose_name = "督办与问责"

    def ready(self) -> None:
        from daiban.supervision import wiring

        wiring.connect()
