"""Triggers that refuse UPDATE, DELETE and TRUNCATE of audit records (see daiban/audit/guard.py)."""

from typing import Any

from django.conf import settings
from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from daiban.audit import guard

    if getattr(settings, "DAIBAN_AUDIT_DB_GUARD", True):
        guard.install(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    from daiban.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_record")]

    operations = [migrations.RunPython(install, remove)]
