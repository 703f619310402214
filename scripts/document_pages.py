"""Pictures of real documents for the README: issues (if not yet issued) a 处理意见书 and a signed 代办委托书
on demo matters of 新城区 in the local demo database, renders their PDFs and writes each page as PNG.

    DAIBAN_VAR_DIR=var .venv/bin/python scripts/document_pages.py [--out docs/screenshots]

Uses the demo database of ``make run`` (it writes the two documents into it, as an agent would).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from PIL import Image, ImageDraw

    from daiban.accounts.models import User
    from daiban.documents import actions, kinds, selectors
    from daiban.documents.models import Document
    from daiban.documents.render import render_pdf
    from daiban.documents.render.pages import pdf_to_png_pages
    from daiban.matters.models import Matter

    county = User.objects.get(username="xinchengqu_zhongxin")

    def issued(kind_key: str, pick: Matter | None = None) -> Document:
        kind = kinds.get(kind_key)
        assert kind is not None
        candidates = [pick] if pick else Matter.objects.filter(scope_county="150102").order_by("pk")[:80]
        for matter in candidates:
            assert matter is not None
            for source in kind.sources(matter):
                found = Document.objects.filter(
                    matter=matter, kind=kind_key, source_key=source.key, status="issued"
                ).first()
                if found:
                    return found
                # Issued in its issuer's name: the county centre, or the unit that wrote the opinion.
                people = [
                    county,
                    *User.objects.filter(role="unit_handler", unit__tasks__matter=matter).distinct(),
                ]
                actor = next((u for u in people if selectors.may_issue(u, matter, kind, source.key)), None)
                if actor is not None:
                    return actions.issue(
                        actor=actor, matter_id=matter.pk, kind=kind_key, source_key=source.key
                    )
        raise SystemExit(f"no demo matter offers {kind_key}")

    opinion = issued("handling_opinion")
    entrustment = issued("entrustment", opinion.matter)
    if not entrustment.is_signed:
        img = Image.new("RGBA", (420, 140), (255, 255, 255, 0))
        ImageDraw.Draw(img).line(
            [(20, 100), (70, 30), (110, 105), (170, 40), (230, 95), (300, 35), (390, 80)],
            fill="black",
            width=5,
        )
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
        signers = kinds.get("entrustment").signers(entrustment.data)  # type: ignore[union-attr]
        entrustment = actions.sign(
            actor=county,
            document_id=entrustment.pk,
            expected_revision=entrustment.revision,
            images=[url] * len(signers),
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, doc in (("document-opinion", opinion), ("document-entrustment", entrustment)):
        for old in out.glob(f"{name}-*.png"):
            old.unlink()
        pages = pdf_to_png_pages(render_pdf(doc.body_html, title=doc.title), out / name, dpi=80)
        print(doc.number_label, *[str(p) for p in pages])


if __name__ == "__main__":
    main()
