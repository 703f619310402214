"""Gunicorn settings read by ``make run`` (``--config python:daiban.gunicorn_conf``).

Workers are ``gthread``: each process serves up to ``threads`` requests at once (DAIBAN_WEB_THREADS,
default 4), so a request waiting on the database or the task queue's file does not hold a whole process
(docs/adr/0039). What a request touches is safe on threads: Django's database connections are per thread,
the request-scoped state (audit address, replica choice, frozen clock, seeded lookup codes) lives in
ContextVars, the caches (working-day schedule, PDF fonts and stylesheet) are built under locks or are
immutable once built, PDF rendering itself is serialised by a lock, and the registries (hooks, panels,
navigation, derived-data refreshers) are filled once at start-up and only read afterwards.

Each worker pays the first PDF's extra second (WeasyPrint's import, Fontconfig, the stylesheet) in a
background thread as it starts, not in the first person's download."""

from __future__ import annotations

import os
import threading
from typing import Any

worker_class = "gthread"
threads = int(os.environ.get("DAIBAN_WEB_THREADS", "4"))


def post_worker_init(worker: Any) -> None:
    def warm() -> None:
        try:
            from daiban.documents.render.pdf import warm_up

            warm_up()
        except Exception:  # a warm-up that fails only means the first PDF is slower
            worker.log.warning("PDF warm-up failed", exc_info=True)

    threading.Thread(target=warm, name="pdf-warm-up", daemon=True).start()
