from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "daiban.search"
    label = "search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from daiban.search import wiring

        wiring.connect()
