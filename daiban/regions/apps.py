from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "daiban.regions"
    verbose_name = "行政区划"
