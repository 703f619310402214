"""Gunicorn settings read by ``make run`` (``--config python:daiban.gunicorn_conf``).

Each worker pays the first PDF's extra second (WeasyPrint's import, Fontconfig, the stylesheet) in a
background thread as it starts, not in the first person's download."""

from __future__ import annotations

import threading
from typing import Any


def post_worker_init(worker: Any) -> None:
    def warm() -> None:
        try:
            from daiban.documents.render.pdf import warm_up

            warm_up()
        except Exception:  # a warm-up that fails only means the first PDF is slower
            worker.log.warning("PDF warm-up failed", exc_info=True)

    threading.Thread(target=warm, name="pdf-warm-up", daemon=True).start()
