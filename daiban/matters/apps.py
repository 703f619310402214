from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "daiban.matters"
    verbose_name = "代办事项"

    def ready(self) -> None:
        from daiban.matters import deadlines
        from daiban.matters import home as matters_home

        deadlines.register_schedule_hook()
        matters_home.register()
