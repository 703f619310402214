"""Background work of supervision, on the task queue (Huey; see settings.HUEY)."""

from __future__ import annotations
