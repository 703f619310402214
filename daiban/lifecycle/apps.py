from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "daiban.lifecycle"
    label = "lifecycle"
    verbose_name = "个人信息生命周期"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daiban.lifecycle import config, nav, tasks  # noqa: F401  (tasks: registers the nightly run)

        config.retention_days()
        nav.connect()
