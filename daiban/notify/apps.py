from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "daiban.notify"
    verbose_name = "消息与通知"
