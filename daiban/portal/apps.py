from importlib import import_module

from django.apps import AppConfig

AREAS = ("lookup", "requests", "directory")


class PortalConfig(AppConfig):
    name = "daiban.portal"
    label = "portal"
    verbose_name = "群众服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each area may plug into the staff site (home panels, nav, origins, hook subscribers) from its
        # own ``wiring.connect()``.
        for area in AREAS:
            try:
                module = import_module(f"daiban.portal.{area}.wiring")
            except ModuleNotFoundError as exc:
                if exc.name != f"daiban.portal.{area}.wiring":
                    raise
                continue
            module.connect()
        from daiban.portal import tasks  # noqa: F401  (registers the periodic clean-up with the queue)
