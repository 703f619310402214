"""Every kind of document renders from the demo's matters: for each registered kind, the first demo matter
of 新城区 that offers it is issued by the people who would issue it, and its PDF (pdftotext) holds the
number, the petitioners' names and the deadline dates its body gives; pdffonts shows every font embedded;
the Word file has the same number and names."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from daiban.accounts.models import Role, User
from daiban.core.clock import frozen
from daiban.demo.matters import load_demo_matters
from daiban.demo.network import load_demo_network
from daiban.documents import actions, kinds, selectors
from daiban.documents.render import render_docx, render_pdf
from daiban.matters.models import Matter
from daiban.workcal.hooks import discard_pending
from daiban.workcal.schedule import clear_cache

TODAY = datetime.date(2026, 11, 26)
NOW = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
COUNT = 60
# Kinds whose sources the matters demo alone does not make (supervision orders, mediation agreements):
# they are covered from real flows in test_kinds.
OTHER_DEMOS = {"supervision_order", "mediation_agreement"}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        clear_cache()
        discard_pending()
        with frozen(NOW):
            assert load_demo_network() is not None
            assert load_demo_matters(count=COUNT, today=TODAY) is not None
        yield
        transaction.set_rollback(True)
    clear_cache()
    discard_pending()


def _issuers(matter: Matter) -> list[User]:
    """Who might issue on this matter: the county centre, the holders, the units with tasks on it."""
    people = list(User.objects.filter(role=Role.COUNTY_STAFF, region__code=matter.scope_county)[:1])
    people += list(User.objects.filter(role=Role.UNIT_HANDLER, unit__tasks__matter=matter).distinct())
    people += list(User.objects.filter(role=Role.UNIT_HANDLER, unit__reviews__matter=matter).distinct())
    return people


def _text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.pdf"
        path.write_bytes(pdf)
        # -layout keeps the page's reading order but interleaves the lines of neighbouring table cells;
        # -raw keeps each cell's text whole: a value must be found in one of them.
        text = "".join(
            subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True).stdout
            for mode in ("-layout", "-raw")
        )
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts
    return text


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_every_kind_renders_from_a_demo_matter(demo: None, django_db_blocker: object) -> None:
    done: dict[str, str] = {}
    with django_db_blocker.unblock(), frozen(NOW), transaction.atomic():  # type: ignore[attr-defined]
        matters = list(Matter.objects.filter(scope_county="150102").order_by("pk"))
        for kind in kinds.all_kinds():
            for matter in matters:
                sources = kind.sources(matter)
                pair = next(
                    (
                        (user, s.key)
                        for s in sources
                        for user in _issuers(matter)
                        if selectors.may_issue(user, matter, kind, s.key)
                    ),
                    None,
                )
                if pair is None:
                    continue
                user, key = pair
                doc = actions.issue(actor=user, matter_id=matter.pk, kind=kind.key, source_key=key)
                text = _flat(_text(render_pdf(doc.body_html, title=doc.title)))
                assert _flat(doc.number) in text, (kind.key, doc.number)
                for name in doc.data.get("petitioner_names", "").split("、")[:3]:
                    assert name in text, (kind.key, name)
                for date in re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", doc.body_html):
                    assert date in text, (kind.key, date)
                import docx

                word = docx.Document(io.BytesIO(render_docx(doc.body_html, title=doc.title)))
                words = _flat(
                    "".join(p.text for p in word.paragraphs)
                    + "".join(c.text for t in word.tables for row in t.rows for c in row.cells)
                )
                assert _flat(doc.number) in words, kind.key
                done[kind.key] = f"{doc.number} {matter.number}"
                break
        transaction.set_rollback(True)
    missing = {k.key for k in kinds.all_kinds()} - set(done) - OTHER_DEMOS
    assert not missing, f"no demo matter offers: {sorted(missing)}"
    print("\n" + "\n".join(f"{k}: {v}" for k, v in sorted(done.items())))
