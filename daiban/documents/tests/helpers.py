"""What the documents tests share: matters in the states documents are issued from, and issuing."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image, ImageDraw

from daiban.accounts.models import User
from daiban.core import clock
from daiban.documents import actions
from daiban.documents.models import Document
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow


def other_person(n: int) -> dict[str, Any]:
    """Intake overrides for another person, so that a second matter is not a repeat visit."""
    from daiban.matters.actions import PetitionerInput
    from daiban.matters.tests.factories import id_with_check

    return {
        "petitioners": [
            PetitionerInput(
                name=f"李{'一二三四五六七八九'[n % 9]}", id_number=id_with_check(f"1501021975062{n:04d}")
            )
        ]
    }


def issue(flow: Flow, actor: User, matter: Matter, kind: str, source_key: str | None = None) -> Document:
    """Issue ``kind`` for ``source_key`` (default: the kind's first source) on the flow's clock."""
    from daiban.documents import kinds

    if source_key is None:
        k = kinds.get(kind)
        assert k is not None
        source_key = k.sources(Matter.objects.get(pk=matter.pk))[0].key
    with clock.frozen(flow.now):
        return actions.issue(actor=actor, matter_id=matter.pk, kind=kind, source_key=source_key)


def signature_data_url(seed: int = 0) -> str:
    """A finger signature as the pad sends it: a PNG data URL with a few strokes."""
    img = Image.new("RGBA", (400, 150), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.line([(20, 100), (120, 30 + seed), (200, 110), (300, 40), (380, 90)], fill=(0, 0, 0, 255), width=5)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def fresh(doc: Document) -> Document:
    return Document.objects.get(pk=doc.pk)


def revision(doc: Document) -> int:
    return Document.objects.values_list("revision", flat=True).get(pk=doc.pk)


def kwargs_for(doc: Document, **extra: Any) -> dict[str, Any]:
    return {"document_id": doc.pk, "expected_revision": revision(doc), **extra}
