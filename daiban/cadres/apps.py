from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "daiban.cadres"
    verbose_name = "涉及干部的检举控告"

    def ready(self) -> None:
        from daiban.cadres import wiring

        wiring.connect()
