from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "daiban.hearings"
    verbose_name = "听证"
