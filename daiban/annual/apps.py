"""The annual report of the petition office (art. 41), per level and year, as DOCX and PDF."""

from django.apps import AppConfig


class AnnualConfig(AppConfig):
    name = "daiban.annual"
    verbose_name = "年度工作报告"

    def ready(self) -> None:
        from daiban.annual import wiring

        wiring.connect()
