from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "daiban.mediation"
    verbose_name = "调解"

    def ready(self) -> None:
        from daiban.mediation import wiring

        wiring.connect()
