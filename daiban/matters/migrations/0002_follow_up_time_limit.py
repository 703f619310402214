"""Seed the local-practice clock for feedback and follow-up after a written reply.

The regulation sets no limit for 反馈回访; the proxy networks' rules commonly use 15 days. It is
configuration (workcal.TimeLimit), so a county may change it in the admin.
"""

from django.db import migrations


def add_limit(apps, schema_editor):
    TimeLimit = apps.get_model("workcal", "TimeLimit")
    TimeLimit.objects.get_or_create(
        key="follow_up",
        defaults={
            "name": "反馈回访",
            "length": 15,
            "unit": "calendar_days",
            "start_event": "书面答复之日",
            "article": "代办工作规程（地方惯例）",
        },
    )


def remove_limit(apps, schema_editor):
    apps.get_model("workcal", "TimeLimit").objects.filter(key="follow_up").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0001_matters"),
        ("workcal", "0001_schedule_and_time_limits"),
    ]

    operations = [migrations.RunPython(add_limit, remove_limit)]
