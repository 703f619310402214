from django.db import migrations, models


class Migration(migrations.Migration):
    """送达 (service) of a written reply: the window to ask for review counts from it (arts. 35–36).

    Opinions issued before this migration keep ``review_limit`` empty: their matters keep the window
    computed from the day of issue, and nothing waits for their service."""

    dependencies = [
        ("matters", "0012_objection_decisions_simple_procedure"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="review_limit",
            field=models.CharField(
                blank=True, default="", max_length=20, verbose_name="申请复查（复核）时限"
            ),
        ),
        migrations.AddField(
            model_name="opinion",
            name="served_on",
            field=models.DateField(blank=True, null=True, verbose_name="送达日期"),
        ),
        migrations.AddField(
            model_name="opinion",
            name="service_manner",
            field=models.CharField(
                blank=True,
                choices=[
                    ("direct", "直接送达"),
                    ("mail", "邮寄送达"),
                    ("electronic", "电子送达"),
                    ("left", "留置送达"),
                    ("entrusted", "委托送达"),
                    ("public", "公告送达"),
                ],
                default="",
                max_length=12,
                verbose_name="送达方式",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("intake", "受理登记"),
                    ("repeat_visit", "重复来访"),
                    ("attach", "上传附件"),
                    ("answer", "即时答复办结"),
                    ("start_local", "就地办理"),
                    ("escalate", "上报上一级"),
                    ("hand_down", "交由下级办理"),
                    ("guide_legal", "引导依法解决"),
                    ("not_accept", "不予受理"),
                    ("route", "交办事权单位"),
                    ("object", "提出异议"),
                    ("objection_agree", "同意异议"),
                    ("objection_refuse", "不同意异议"),
                    ("accept", "受理交办"),
                    ("submit_part", "报送协办意见"),
                    ("mediate", "记录调解"),
                    ("extend", "申请延期"),
                    ("reply", "出具处理意见书"),
                    ("reply_local", "就地办理答复"),
                    ("feedback", "反馈办理结果"),
                    ("follow_up", "回访"),
                    ("close", "办结"),
                    ("request_review", "登记复查（复核）申请"),
                    ("hearing", "记录听证"),
                    ("decide_review", "出具复查（复核）意见书"),
                    ("assign_leaders", "确定包案领导"),
                    ("recuse", "申请回避"),
                    ("press", "催办 / 督办"),
                    ("serve", "登记送达"),
                ],
                max_length=32,
                verbose_name="类型",
            ),
        ),
    ]
