"""What exports plug into the staff site: the 导出 entry of the main navigation and the queue's task."""

from __future__ import annotations


def connect() -> None:
    from daiban.core import nav
    from daiban.exchange.exports import jobs  # noqa: F401  (registers the build task with the queue)
    from daiban.exchange.exports.views import may_export

    nav.register(
        nav.Item(
            "exports",
            order=85,
            label="导出",
            url_name="exchange:export_list",
            visible=may_export,
            active=("export_", "ledger_export", "monthly_report"),
        )
    )
