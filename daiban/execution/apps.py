"""Carrying out 支持 opinions (arts. 32, 42(4)): what must be done, by whom, by when, and its execution."""

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "daiban.execution"
    verbose_name = "支持意见落实"

    def ready(self) -> None:
        from daiban.execution import wiring

        wiring.connect()
