"""Fingerprint the matters that existed before the repeats app (an upgraded installation): without this,
the intake would silently offer no earlier matter by text. A no-op on an empty database; on a large one
it takes as long as ``manage.py repeat_signatures`` (docs/deploy.md, upgrades)."""

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    Matter = apps.get_model("matters", "Matter")
    if schema_editor.connection.alias != "default" or not Matter.objects.exists():
        return
    out = StringIO()
    call_command("repeat_signatures", stdout=out)
    print(f"\n  {out.getvalue().strip()}")


class Migration(migrations.Migration):
    dependencies = [
        ("repeats", "0001_repeat_signatures_and_decisions"),
        ("matters", "0017_queue_indexes"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
