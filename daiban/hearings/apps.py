from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "daiban.hearings"
    verbose_name = "听证"

    def ready(self) -> None:
        from daiban.hearings import wiring

        wiring.connect()
