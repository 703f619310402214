from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "daiban.network"
    verbose_name = "代办服务网络"

    def ready(self) -> None:
        from daiban.core import home

        home.register(
            home.Panel("network.card", 30, "network/_home_card.html", lambda user: {}, slot="cards")
        )
