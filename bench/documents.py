"""Benchmark: documents at a million rows, as people feel them — whole pages over Django's request stack.

Fills a separate database (var/bench-documents.sqlite3, or DATABASE_URL) once: the demo network, 100,000
matters (bench/run.py's fill) and 1,000,000 documents, ten a matter (one valid receipt, nine cancelled or
superseded: what years of corrections leave), with their numbering sequences. Then, as the 新城区 centre:

* the matter page (its 文书 section reads the matter's documents by the (matter, kind, status) index and
  each kind's sources on that matter), the matter's documents page and a document's page;
* the PDF and Word downloads of a one-page document (rendered on request, WeasyPrint / python-docx);
* issuing a receipt (the numbering sequence's row lock and the one-valid-document check).

Beside the pages it prints the SQL that reads the matter's documents and the database's plan for it.
Run with ``make bench BENCH=documents`` (SQLite) or with DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MATTERS = 100_000
PER_MATTER = 10


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=MATTERS)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{root / 'var' / 'bench-documents.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0)
    setup_test_environment()
    request_finished.disconnect(close_old_connections)
    from bench.run import _fill as fill_matters
    from daiban.matters.models import Matter

    if not Matter.objects.exists():
        call_command("load_demo_network", verbosity=0)
    fill_matters(args.matters)
    _fill_documents()
    _measure(args.repeat)


def _fill_documents() -> None:
    """Ten documents a matter in bulk SQL, once: serial n of the county's receipts is the matter's n-th."""
    from django.db import connection, transaction

    from daiban.accounts.models import User
    from daiban.documents.models import Document, DocumentSequence

    have = Document.objects.count()
    matters = connection.ops.quote_name("matters_matter")
    if have >= 1_000_000:
        print(f"{have:,} documents already present")
        return
    user = User.objects.get(username="xinchengqu_zhongxin")
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for version in range(1, PER_MATTER + 1):
            status = "issued" if version == PER_MATTER else ("superseded" if version % 3 else "cancelled")
            cursor.execute(
                f"""
                INSERT INTO documents_document
                    (matter_id, kind, source_key, title, issuer_key, issuer_name, year, serial, number, version,
                     status, data, body_html, template_name, template_source, issued_at, issued_by_id,
                     correction_reason, cancel_reason, scan, scan_content_type, revision)
                SELECT m.id, 'receipt', '', '受理回执', 'region:' || m.scope_county, '代办中心', 2026, m.id,
                       'B信代回〔2026〕' || m.id || '号', %s, %s, '{{}}', '<h1>受理回执</h1><p>基准</p>', '', '',
                       m.received_at, %s, '', '', '', '', 1
                FROM {matters} m
                """,
                [version, status, user.pk],
            )
        cursor.execute(
            "SELECT scope_county, MAX(id) FROM matters_matter GROUP BY scope_county",
        )
        for county, last in cursor.fetchall():
            DocumentSequence.objects.update_or_create(
                issuer_key=f"region:{county}", kind="receipt", year=2026, defaults={"last": last}
            )
    with connection.cursor() as cursor:  # fresh statistics (VACUUM cannot run inside a transaction)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"inserted {Document.objects.count() - have:,} documents in {time.perf_counter() - t0:.0f} s")


class _Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def _plan(sql: str, params: Any) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def _measure(repeat: int) -> None:
    from django.db import connection, transaction
    from django.test import Client

    from daiban.accounts.models import User
    from daiban.documents.models import Document
    from daiban.matters.models import Matter

    county = User.objects.get(username="xinchengqu_zhongxin")
    client = Client()
    client.force_login(county)
    matter = Matter.objects.filter(scope_county="150102", status="registered").order_by("-id").first()
    assert matter is not None
    doc = Document.objects.filter(matter=matter, status="issued").first()
    assert doc is not None
    print(
        f"database: {connection.vendor}, matters: {Matter.objects.count():,}, documents: {Document.objects.count():,}"
    )

    def get(url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            return response

        return run

    def issue() -> Any:
        # Issue the 委托书 in a transaction rolled back afterwards, so every run does the same work.
        with transaction.atomic():
            response = client.post(
                f"/documents/matter/{matter.pk}/new/", {"kind": "entrustment", "source": ""}
            )
            assert response.status_code == 302, response.status_code
            transaction.set_rollback(True)
        return response

    from daiban.core import clock
    from daiban.documents import kinds, rendering
    from daiban.documents.render import render_docx, render_pdf

    receipt = kinds.get("receipt")
    assert receipt is not None
    real_body, _ = rendering.preview(receipt, matter, "", clock.today())

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("matter page (with its 文书 section)", get(f"/matters/{matter.pk}/")),
        ("the matter's documents page", get(f"/documents/matter/{matter.pk}/")),
        ("a document's page", get(f"/documents/{doc.pk}/")),
        (
            "preview before issue (委托书)",
            get(f"/documents/matter/{matter.pk}/new/?kind=entrustment&source="),
        ),
        ("download PDF (one page)", get(f"/documents/{doc.pk}/pdf/")),
        ("download Word", get(f"/documents/{doc.pk}/docx/")),
        ("PDF of a real 受理回执 (QR, form table)", lambda: render_pdf(real_body, title="受理回执")),
        ("Word of a real 受理回执", lambda: render_docx(real_body, title="受理回执")),
        ("issue a 委托书 (numbered)", issue),
    ]
    print(f"{'case':40} {'median ms':>10} {'max ms':>10}")
    shown = False
    for name, fn in cases:
        recorder = _Recorder()
        with connection.execute_wrapper(recorder):
            fn()
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        print(f"{name:40} {statistics.median(samples):10.1f} {max(samples):10.1f}")
        if not shown:
            for sql, params in recorder.statements:
                if '"documents_document"' in sql and '"matter_id"' in sql:
                    print(f"  SQL: {sql}\n  params: {params}\n  plan:\n{_plan(sql, params)}")
                    shown = True
                    break


if __name__ == "__main__":
    main()
