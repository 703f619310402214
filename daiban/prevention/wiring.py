"""What prevention plugs into the core at start-up: intake origins, home panels, region-page panels and
the periodic tasks. Each area's view module may define ``connect()`` doing its own registrations."""

from __future__ import annotations

from importlib import import_module

AREAS = ("hub", "screenings", "visits", "sessions", "errands", "alerts")


def connect() -> None:
    from daiban.prevention import tasks  # noqa: F401  (registers the periodic tasks with the queue)

    for area in AREAS:
        module = import_module(f"daiban.prevention.views.{area}")
        connect_area = getattr(module, "connect", None)
        if connect_area is not None:
            connect_area()
