from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "daiban.documents"
    verbose_name = "文书"

    def ready(self) -> None:
        from daiban.documents import wiring

        wiring.connect()
