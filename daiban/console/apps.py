from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The staff console (管理后台): the Django admin, cut to each administrator's jurisdiction.

    Every ModelAdmin lives here rather than in the app that owns the model, because scoping an admin needs
    the jurisdiction selectors of ``daiban.network``, which the foundation apps below it may not import.
    """

    name = "daiban.console"
    verbose_name = "管理后台"
