from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "daiban.accountability"
    verbose_name = "责任追究"

    def ready(self) -> None:
        from daiban.accountability import wiring

        wiring.connect()
