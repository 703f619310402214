"""What documents plugs in at start-up: the kinds that come from the matter itself, the matter page's
文书 section, and the mirror of a service recorded on the matter page onto the opinion's document."""

from __future__ import annotations


def connect() -> None:
    from daiban.documents import matter_kinds
    from daiban.documents.views import connect as connect_views

    matter_kinds.register_all()
    connect_views()
