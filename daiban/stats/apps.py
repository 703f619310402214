from importlib import import_module

from django.apps import AppConfig

# Modules that plug the app into the rest of the site when present: ``wiring`` (hook subscribers and the
# queue's tasks: the rollups) and ``nav`` (the staff navigation and home panels: the dashboards).
PLUGS = ("wiring", "nav")


class StatsConfig(AppConfig):
    name = "daiban.stats"
    label = "stats"
    verbose_name = "统计分析"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        for plug in PLUGS:
            try:
                module = import_module(f"daiban.stats.{plug}")
            except ModuleNotFoundError as exc:
                if exc.name != f"daiban.stats.{plug}":
                    raise
                continue
            module.connect()
