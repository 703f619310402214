from importlib import import_module

from django.apps import AppConfig

# The two areas of the app, each in its own package: files out (ledgers, monthly reports) and files in
# (rosters, legacy ledgers).
AREAS = ("exports", "imports")


class ExchangeConfig(AppConfig):
    name = "daiban.exchange"
    label = "exchange"
    verbose_name = "数据导入导出"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each area may plug into the staff site (nav, home panels, tasks) from its own ``wiring.connect()``.
        for area in AREAS:
            try:
                module = import_module(f"daiban.exchange.{area}.wiring")
            except ModuleNotFoundError as exc:
                if exc.name != f"daiban.exchange.{area}.wiring":
                    raise
                continue
            module.connect()
