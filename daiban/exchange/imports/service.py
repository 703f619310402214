"""One import, start to end: who may, read the file, check every row, then write all rows or none.

``import_file`` is what the upload page, a management command or a test calls. Every attempt leaves an
``ImportRun`` (rejected with its report, or applied with its counts). Nothing is written unless every row
passed; the rows are then written in one transaction, and a row the database or a matter action still
refuses rolls the whole file back and is reported like any other problem. Statistics are told after commit.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from typing import Any, Protocol

from django.db import DatabaseError, transaction

from daiban.accounts.models import Role, User
from daiban.console.scoping import can_administer
from daiban.exchange.imports.base import Outcome, Problem, Row, RowFailed
from daiban.exchange.imports.columns import COLUMNS, map_headers
from daiban.exchange.imports.ledger import Matters
from daiban.exchange.imports.reader import FileUnreadable, read_sheet
from daiban.exchange.imports.rosters import Agents, Organizations, Units
from daiban.exchange.models.imports import ImportKind, ImportRun, ImportStatus
from daiban.network import jurisdiction
from daiban.regions import geometry
from daiban.regions.models import Level

logger = logging.getLogger(__name__)

MAX_REPORTED = 500  # a broken file of 2,000 rows: the first 500 problems and how many more


class Importer(Protocol):
    def check(self, rows: list[Row]) -> Sequence[Any]: ...

    def write(self, prepared: Any) -> Outcome: ...


def may_import(user: User, kind: str) -> bool:
    """Rosters: the administrators of a region (city or county administrators, as in the console).
    Ledgers: county-centre staff, for their own county."""
    path = jurisdiction.scope_path(user)
    if path is None:
        return False
    if kind == ImportKind.MATTERS:
        # (the grant's path, not its region row: the navigation asks this on every page)
        return user.role == Role.COUNTY_STAFF and geometry.depth(path) == Level.COUNTY
    if kind in ImportKind.values:
        # Rosters are network data: the system administrator's, not the security administrator's (三员分立).
        return can_administer(user) and user.role != Role.SECURITY_ADMIN
    return False


def kinds_for(user: User) -> list[ImportKind]:
    return [kind for kind in ImportKind if may_import(user, kind)]


def _importer(kind: str, actor: User, filename: str, written: dict[str, str]) -> Importer:
    if kind == ImportKind.ORGANIZATIONS:
        return Organizations(actor)
    if kind == ImportKind.AGENTS:
        return Agents(actor)
    if kind == ImportKind.UNITS:
        return Units(actor)
    return Matters(actor, filename, written)


def clean_filename(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return (base or "未命名.xlsx")[:120]


def _refresh_stats(matter_ids: list[int]) -> None:
    """Tell the statistics (daiban.stats, when it offers ``facts.refresh_matters``) after commit."""
    try:
        from daiban.stats import facts  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return
    refresh = getattr(facts, "refresh_matters", None)
    if refresh is None:
        return
    try:
        refresh(matter_ids)
    except Exception:  # the import stands; the rollups catch up on their next rebuild
        logger.exception("statistics refresh after an import failed")


def _reject(
    actor: User, kind: str, filename: str, digest: str, rows: int, problems: list[Problem]
) -> ImportRun:
    report = [p.as_dict() for p in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        report.append(
            {"row": 0, "column": "", "reason": f"另有 {len(problems) - MAX_REPORTED} 处问题未列出。"}
        )
    return ImportRun.objects.create(
        user=actor,
        kind=kind,
        filename=filename,
        sha256=digest,
        status=ImportStatus.REJECTED,
        rows=rows,
        report=report,
    )


def import_file(*, actor: User, kind: str, filename: str, content: bytes) -> ImportRun:
    """Import ``content`` (an .xlsx) as ``kind``; returns the run (rejected with its report, or applied)."""
    if not may_import(actor, kind):
        raise PermissionError(kind)
    filename = clean_filename(filename)
    digest = hashlib.sha256(content).hexdigest()
    try:
        sheet = read_sheet(content)
    except FileUnreadable as exc:
        return _reject(actor, kind, filename, digest, 0, [Problem(0, "", exc.reason)])
    columns = COLUMNS[kind]
    headers = map_headers(columns, sheet.headers)
    problems: list[Problem] = []
    for column in headers.missing:
        problems.append(Problem(sheet.header_row, column.header, f"缺少“{column.header}”列（必填）。"))
    for written in headers.duplicates:
        problems.append(Problem(sheet.header_row, written, "表头重复：同一列出现了两次。"))
    if problems:
        return _reject(actor, kind, filename, digest, len(sheet.rows), problems)
    rows = [Row(number, cells, headers, problems) for number, cells in sheet.rows]
    importer = _importer(kind, actor, filename, headers.written)
    prepared = importer.check(rows)
    if problems:
        problems.sort(key=lambda p: p.row)
        return _reject(actor, kind, filename, digest, len(rows), problems)
    try:
        with transaction.atomic():
            outcome = importer.write(prepared)
            run = ImportRun.objects.create(
                user=actor,
                kind=kind,
                filename=filename,
                sha256=digest,
                status=ImportStatus.APPLIED,
                rows=len(rows),
                created=outcome.created,
                updated=outcome.updated,
                unchanged=outcome.unchanged,
                report=[{"row": 0, "column": h, "reason": "未识别的列，已忽略。"} for h in headers.ignored],
            )
            if outcome.matter_ids:
                ids = list(outcome.matter_ids)
                transaction.on_commit(lambda: _refresh_stats(ids))
    except RowFailed as exc:
        return _reject(actor, kind, filename, digest, len(rows), [exc.problem])
    except DatabaseError:
        # e.g. the same roster imported twice at the same moment: the second one's insert is refused.
        logger.exception("an import was refused by the database while writing")
        reason = (
            "写入时数据库拒绝了其中一行（可能有人正在同时导入相同的记录），整个文件都没有写入，请稍后重试。"
        )
        return _reject(actor, kind, filename, digest, len(rows), [Problem(0, "", reason)])
    return run
