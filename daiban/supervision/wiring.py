"""What supervision plugs in at start-up: matter-page panels, home panels, nav, hook subscribers and the
periodic tasks. Each area's view module may define ``connect()``."""

from __future__ import annotations

from importlib import import_module

AREAS = ("ladder", "consultations")


def connect() -> None:
    from daiban.supervision import (
        documents,
        tasks,  # noqa: F401  (registers the periodic tasks with the queue)
    )

    documents.register()  # the 督办单 as a written instrument (daiban.documents)

    for area in AREAS:
        module = import_module(f"daiban.supervision.views.{area}")
        connect_area = getattr(module, "connect", None)
        if connect_area is not None:
            connect_area()
