"""Seed the statutory time limits of 信访工作条例 (2022) as the default configuration (domain.md §3)."""

from django.db import migrations

CALENDAR = "calendar_days"
WORKING = "working_days"

# key, name, length, unit, start_event, article
DEFAULT_LIMITS = [
    ("route", "转送交办期限", 15, CALENDAR, "信访部门收到信访事项之日", "第二十二条"),
    ("accept_notice", "受理告知期限", 15, CALENDAR, "收到信访事项之日", "第二十三条"),
    ("objection", "异议期限", 5, WORKING, "收到转送、交办的信访事项之日", "第二十三条"),
    ("handling", "办理期限", 60, CALENDAR, "受理之日", "第三十四条"),
    ("extension", "延长办理期限（上限）", 30, CALENDAR, "原办理期限届满之日", "第三十四条"),
    ("review_request", "复查申请期限", 30, CALENDAR, "收到处理意见书面答复之日", "第三十五条"),
    ("review_handling", "复查办理期限", 30, CALENDAR, "收到复查请求之日", "第三十五条"),
    ("reexam_request", "复核申请期限", 30, CALENDAR, "收到复查意见书面答复之日", "第三十六条"),
    ("reexam_handling", "复核办理期限", 30, CALENDAR, "收到复核请求之日", "第三十六条"),
    ("simplified", "简易办理期限", 10, WORKING, "受理之日", "国家信访局简易办理规定（试行）"),
]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("workcal", "TimeLimit")
    for key, name, length, unit, start_event, article in DEFAULT_LIMITS:
        # Leave a limit an administrator already configured alone.
        TimeLimit.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "length": length,
                "unit": unit,
                "start_event": start_event,
                "article": article,
                "is_active": True,
            },
        )


def unseed(apps, schema_editor):
    TimeLimit = apps.get_model("workcal", "TimeLimit")
    TimeLimit.objects.filter(key__in=[row[0] for row in DEFAULT_LIMITS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workcal", "0001_schedule_and_time_limits"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
