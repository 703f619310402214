from django.apps import AppConfig


class WorkcalConfig(AppConfig):
    name = "daiban.workcal"
    verbose_name = "工作日历与时限"

    def ready(self) -> None:
        # Connects the receivers that invalidate the calendar cache and fire the schedule-change hook.
        from daiban.workcal import signals  # noqa: F401
