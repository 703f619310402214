from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "daiban.cadres"
    verbose_name = "涉及干部的检举控告"
