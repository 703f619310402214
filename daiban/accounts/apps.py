from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daiban.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from daiban.accounts import panels

        panels.register()
