from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "daiban.audit"
    verbose_name = "安全审计"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Login, logout and failed-login signals of django.contrib.auth, the admin's LogEntry.
        from daiban.audit import checks, receivers  # noqa: F401
