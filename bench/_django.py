"""The start every bench script shares: Django on the bench's own database, migrated, with the demo network."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def start(sqlite_name: str) -> None:
    """Set Django up on DATABASE_URL (else var/<sqlite_name>), migrate and load the demo network (idempotent)."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{root / 'var' / sqlite_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_network", verbosity=0)
