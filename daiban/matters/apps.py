from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "daiban.matters"
    verbose_name = "代办事项"

    def ready(self) -> None:
        from daiban.core.uploads import register_usage
        from daiban.matters import deadlines, uploads
        from daiban.matters import home as matters_home

        deadlines.register_schedule_hook()
        matters_home.register()
        register_usage(uploads.attachments_stored)  # the daily upload quota counts stored attachments
