from django.apps import AppConfig


class PiiConfig(AppConfig):
    name = "daiban.pii"
    verbose_name = "个人信息保护"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the setting_changed receiver that drops cached keys (used by override_settings in tests).
        from daiban.pii import crypto  # noqa: F401
        from daiban.pii.keycheck import check_key_set

        # Every start (web, task consumer, any command) refuses weak or repeated keys.
        check_key_set()
