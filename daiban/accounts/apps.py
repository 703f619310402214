from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daiban.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from daiban.accounts import panels, security

        panels.register()
        _hide_otp_devices_from_the_admin()

        def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            if request is not None and hasattr(request, "session"):
                security.on_signed_in(request, user)

        def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            security.on_signed_out(request)

        user_logged_in.connect(signed_in, dispatch_uid="daiban.accounts.signed_in", weak=False)
        user_logged_out.connect(signed_out, dispatch_uid="daiban.accounts.signed_out", weak=False)


def _hide_otp_devices_from_the_admin() -> None:
    """django-otp registers its devices in the admin, where a superuser could read any user's TOTP secret
    and recovery codes. Nobody needs that: a device is bound by its owner and reset with ``reset_mfa``."""
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
