# The lookup area's table: the petitioner's online rating (网上评价) of a reply.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0015_reissue_code_event_kind"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OnlineRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reply_at", models.DateTimeField(verbose_name="所评答复时间")),
                (
                    "service",
                    models.CharField(
                        choices=[
                            ("satisfied", "满意"),
                            ("basically", "基本满意"),
                            ("dissatisfied", "不满意"),
                        ],
                        max_length=14,
                        verbose_name="对代办服务评价",
                    ),
                ),
                (
                    "unit",
                    models.CharField(
                        choices=[
                            ("satisfied", "满意"),
                            ("basically", "基本满意"),
                            ("dissatisfied", "不满意"),
                        ],
                        max_length=14,
                        verbose_name="对办理单位评价",
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=300, verbose_name="意见")),
                ("rated_at", models.DateTimeField(db_index=True, verbose_name="评价时间")),
                (
                    "matter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="online_ratings",
                        to="matters.matter",
                    ),
                ),
            ],
            options={
                "verbose_name": "网上评价",
                "verbose_name_plural": "网上评价",
                "ordering": ["matter_id", "rated_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("matter", "reply_at"), name="portal_rating_once_per_reply"
                    )
                ],
            },
        ),
    ]
