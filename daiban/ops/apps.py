from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "daiban.ops"
    label = "ops"
    verbose_name = "运维（备份与恢复）"
    default_auto_field = "django.db.models.BigAutoField"
