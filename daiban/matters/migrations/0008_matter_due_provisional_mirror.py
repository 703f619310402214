"""Matter.due_provisional mirrors the provisional (暂定) flag of the deadline in due_date/due_step, so lists,
the home page and the CSV export can show 暂定 without reading the clocks (issue 8, item 13)."""

from django.db import migrations, models

# The objection window is a right, not a duty: it never drives the matter's due date (deadlines.WINDOW_STEPS).
WINDOW_STEPS = ("objection",)


def fill(apps, schema_editor):
    Deadline = apps.get_model("matters", "Deadline")
    Matter = apps.get_model("matters", "Matter")
    # Only matters with a provisional open clock can need the flag; each takes its earliest duty clock,
    # as deadlines.refresh_due does.
    candidates = (
        Deadline.objects.filter(is_open=True, provisional=True)
        .exclude(step__in=WINDOW_STEPS)
        .values_list("matter_id", flat=True)
        .distinct()
    )
    flagged = []
    for matter_id in candidates.iterator():
        first = (
            Deadline.objects.filter(matter_id=matter_id, is_open=True)
            .exclude(step__in=WINDOW_STEPS)
            .order_by("due_date", "id")
            .first()
        )
        if first is not None and first.provisional:
            flagged.append(matter_id)
    for start in range(0, len(flagged), 500):
        Matter.objects.filter(pk__in=flagged[start : start + 500]).update(due_provisional=True)


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0007_event_kinds_are_action_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="matter",
            name="due_provisional",
            field=models.BooleanField(default=False, verbose_name="当前期限暂定"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
