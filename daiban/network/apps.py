from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "daiban.network"
    verbose_name = "代办服务网络"
