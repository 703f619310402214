"""What mediation plugs in at start-up: the 调解协议书 kind of the documents app, the matter page's 调解卷宗
section, the hint above the 办结 form, and the periodic reminders."""

from __future__ import annotations


def connect() -> None:
    from daiban.matters import panels
    from daiban.mediation import kind, reading, tasks

    kind.register()
    panels.register(panels.Panel("mediation.dossier", 20, "mediation/_matter.html", reading.matter_panel))
    panels.register_hint(
        panels.Hint("mediation.close", frozenset({"close"}), "mediation/_close_hint.html", reading.close_hint)
    )
    assert tasks.scan_mediation is not None  # registers the periodic task with the queue
