"""Index the matters that existed before the search app (an upgraded installation): without this, /search/
would silently find nothing older than the upgrade. A no-op on an empty database; on a large one it takes
as long as ``manage.py reindex_search`` (docs/deploy.md, upgrades)."""

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    Matter = apps.get_model("matters", "Matter")
    if schema_editor.connection.alias != "default" or not Matter.objects.exists():
        return
    out = StringIO()
    call_command("reindex_search", stdout=out)
    print(f"\n  {out.getvalue().strip()}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_bigram_index"),
        ("matters", "0017_queue_indexes"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
