from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "daiban.execution"
    verbose_name = "支持意见落实"
