from django.apps import AppConfig


class AnnualConfig(AppConfig):
    name = "daiban.annual"
    verbose_name = "年度工作报告"
