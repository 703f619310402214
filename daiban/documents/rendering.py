"""A document's body from its kind's template and its frozen values, and its preview before it is issued."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone
from PIL import Image

from daiban.documents import kinds, templating
from daiban.documents.models import Document
from daiban.documents.render.qr import data_uri_png, qr_data_uri

PLACEHOLDER_NUMBER = "〔出具时自动编号〕"


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _three_to_one(png: bytes) -> bytes:
    """The signature on a transparent 3:1 canvas, centred vertically, so every signature prints at the same
    height whatever its strokes' shape."""
    with Image.open(io.BytesIO(png)) as opened:
        img = opened.convert("RGBA")
        w, h = img.size
        width, height = max(w, 3 * h), max(h, -(-w // 3))
        canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
        canvas.paste(img, (0, (height - h) // 2))
        out = io.BytesIO()
        canvas.save(out, format="PNG", optimize=True)
        return out.getvalue()


def _signature_lines(kind: kinds.Kind, doc: Document | None, data: dict[str, Any]) -> list[dict[str, str]]:
    if kind.signers is None:
        return []
    labels = kind.signers(data)
    captured = {s.position: s for s in doc.signatures.all()} if doc is not None and doc.pk else {}
    scanned = doc is not None and bool(doc.scan)
    lines = []
    for i, label in enumerate(labels):
        sig = captured.get(i)
        lines.append(
            {
                "label": label,
                "img": data_uri_png(_three_to_one(bytes(sig.png))) if sig else "",
                "time": timezone.localtime(sig.signed_at).strftime("%Y年%m月%d日 %H:%M") if sig else "",
                "on_paper": "已在纸质文书上签名（扫描件存档）" if scanned and not sig else "",
            }
        )
    return lines


def context(
    kind: kinds.Kind,
    data: dict[str, Any],
    *,
    number: str,
    issuer_name: str,
    issued_on: datetime.date,
    doc: Document | None = None,
) -> dict[str, Any]:
    qr_url = str(data.get("qr_url") or "")
    return {
        "data": data,
        "title": kind.label,
        "number": number,
        "issuer_name": issuer_name,
        "issued_on": cn_date(issued_on),
        "signatures": _signature_lines(kind, doc, data),
        "qr": qr_data_uri(qr_url) if qr_url else "",
    }


def body_of(doc: Document) -> str:
    """Render the document from the template source and values frozen at issue (plus its signatures)."""
    kind = kinds.get(doc.kind)
    if kind is None:  # a kind no longer registered: the body as last rendered
        return doc.body_html
    ctx = context(
        kind,
        doc.data,
        number=doc.number_label,
        issuer_name=doc.issuer_name,
        issued_on=timezone.localdate(doc.issued_at),
        doc=doc,
    )
    return templating.render_source(doc.template_source, ctx)


def preview(kind: kinds.Kind, matter: Any, source_key: str, today: datetime.date) -> tuple[str, str]:
    """(body, template name) of the document as it would be issued now, before it has a number."""
    issuer = kind.issuer(matter, source_key)
    found = templating.find(kind.key, issuer.county_code)
    data = kind.data(matter, source_key)
    ctx = context(kind, data, number=PLACEHOLDER_NUMBER, issuer_name=issuer.name, issued_on=today)
    return templating.render_source(found.source, ctx), found.name
