from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "daiban.prevention"
    verbose_name = "矛盾纠纷排查与预防"

    def ready(self) -> None:
        from daiban.prevention import wiring

        wiring.connect()
