"""The actor's region path on each record (the audit administrator's jurisdiction, 三员分立)."""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def reinstall_guard(apps: Any, schema_editor: Any) -> None:
    # A nullable column is a plain ADD COLUMN, but should a backend remake the table, its triggers go with
    # it: install them again (idempotent: every trigger is dropped first).
    from daiban.audit import guard

    if getattr(settings, "DAIBAN_AUDIT_DB_GUARD", True):
        guard.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_database_guard")]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="region_path",
            field=models.CharField(
                blank=True, db_index=True, max_length=80, null=True, verbose_name="区域路径"
            ),
        ),
        migrations.RunPython(reinstall_guard, migrations.RunPython.noop),
    ]
