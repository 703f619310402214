from django.apps import AppConfig


class RepeatsConfig(AppConfig):
    name = "daiban.repeats"
    verbose_name = "重复信访识别"

    def ready(self) -> None:
        from daiban.repeats import wiring

        wiring.connect()
