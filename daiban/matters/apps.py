from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "daiban.matters"
    verbose_name = "代办事项"

    def ready(self) -> None:
        from daiban.matters import deadlines

        deadlines.register_schedule_hook()
