from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "daiban.notify"
    verbose_name = "消息与通知"

    def ready(self) -> None:
        from daiban.notify import events, tasks, views  # noqa: F401  (tasks: registers them with the queue)

        events.connect()
        views.connect()
