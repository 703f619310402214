"""docs/regulation.md holds: every article 17–46 of the 信访工作条例 has a row, and what a row names exists.

The map's tables are parsed as text (no database). For every row, each module path in 实现 exists (a
``path.py::name`` names a top-level function, class or assignment of that module; a path ending in ``/`` is a
directory), and each pytest node id in 测试 names an existing test file under the test paths that defines
that test (``file::test_fn`` or ``file::Class::test_method``, read with ``ast``; a ``[...]`` parameter id is
ignored). A row marked implemented or partly names at least one test; partly and not-applicable rows say
what is missing or why. A row still ``pending`` (an app of issue 16 being built) fails its own test, which
names every such row, until the lead replaces it with the app's code and tests.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "regulation.md"
ARTICLES = range(17, 47)
STATUSES = ("implemented", "partly", "not applicable", "pending")
HEADER = ["条", "要求（简述）", "实现", "测试", "状态"]
TEST_ROOTS = ("daiban/", "tests/")  # pyproject's testpaths


@dataclass(frozen=True)
class Row:
    line: int
    article: str  # as written: "23 ②", "31 ⑥ 听证"
    number: int
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    status: str  # one of STATUSES
    note: str  # what follows the status word

    def __str__(self) -> str:
        return f"art. {self.article} (docs/regulation.md line {self.line})"


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _ticked(cell: str) -> tuple[str, ...]:
    return tuple(re.findall(r"`([^`]+)`", cell))


@cache
def rows() -> tuple[Row, ...]:
    found: list[Row] = []
    in_table = False
    for number, line in enumerate(MAP.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if cells == HEADER:
            in_table = True
            continue
        if not in_table or set("".join(cells)) <= set("-: "):
            continue
        assert len(cells) == len(HEADER), f"line {number}: {len(cells)} cells, expected {len(HEADER)}"
        article, _, modules, tests, status_cell = cells
        leading = re.match(r"\d+", article)
        assert leading, f"line {number}: the 条 cell {article!r} does not start with an article number"
        status = next((s for s in STATUSES if status_cell.startswith(s)), None)
        assert status, f"line {number}: status {status_cell[:30]!r} is none of {STATUSES}"
        note = status_cell[len(status) :].strip(" —-:：")
        found.append(
            Row(number, article, int(leading.group()), _ticked(modules), _ticked(tests), status, note)
        )
    return tuple(found)


@cache
def _module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _module_problem(ref: str) -> str | None:
    path_text, _, name = ref.partition("::")
    path = ROOT / path_text
    if path_text.endswith("/"):
        return None if path.is_dir() else f"{ref}: no such directory"
    if not path.is_file():
        return f"{ref}: no such file"
    if name and name not in _top_level_names(_module(path)):
        return f"{ref}: {path_text} defines no top-level {name!r}"
    return None


def _test_problem(node_id: str) -> str | None:
    path_text, *parts = re.sub(r"\[.*\]$", "", node_id).split("::")
    path = ROOT / path_text
    if not path_text.startswith(TEST_ROOTS) or not re.fullmatch(r"test_\w+\.py", path.name):
        return f"{node_id}: not a test file pytest collects (test_*.py under daiban/ or tests/)"
    if not path.is_file():
        return f"{node_id}: no such test file"
    if not parts or len(parts) > 2 or not parts[-1].startswith("test"):
        return f"{node_id}: expected file::test_function or file::Class::test_method"
    body = _module(path).body
    if len(parts) == 2:
        owner = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == parts[0]), None)
        if owner is None:
            return f"{node_id}: {path_text} defines no class {parts[0]!r}"
        body = owner.body
    if not any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == parts[-1] for n in body):
        return f"{node_id}: {path_text} defines no test {'::'.join(parts)!r}"
    return None


def _report(problems: list[str]) -> None:
    assert not problems, "docs/regulation.md:\n  " + "\n  ".join(problems)


def test_the_map_has_tables_of_rows() -> None:
    assert len(rows()) >= len(ARTICLES), "the chapter tables were not found (is the header row changed?)"


def test_every_article_from_17_to_46_has_a_row() -> None:
    covered = {row.number for row in rows()}
    missing = [n for n in ARTICLES if n not in covered]
    assert not missing, f"articles without a row in docs/regulation.md: {missing}"
    outside = sorted({row.number for row in rows()} - set(ARTICLES))
    assert not outside, f"rows for articles outside 17–46: {outside}"


def test_every_module_path_exists() -> None:
    _report([f"{row}: {p}" for row in rows() for ref in row.modules if (p := _module_problem(ref))])


def test_every_named_test_exists() -> None:
    _report([f"{row}: {p}" for row in rows() for node_id in row.tests if (p := _test_problem(node_id))])


def test_an_implemented_or_partly_row_names_its_code_and_a_test() -> None:
    _report(
        [
            f"{row}: marked {row.status} but names no {'test' if row.modules else 'module path'}"
            for row in rows()
            if row.status in ("implemented", "partly") and not (row.modules and row.tests)
        ]
    )


def test_partly_says_what_is_missing_and_not_applicable_says_why() -> None:
    _report(
        [
            f"{row}: marked {row.status} without saying {'what is missing' if row.status == 'partly' else 'why'}"
            for row in rows()
            if row.status in ("partly", "not applicable") and not row.note
        ]
    )


def test_a_pending_row_names_its_app() -> None:
    _report(
        [
            f"{row}: pending rows name the app being built (a `daiban/<app>/` path in 实现)"
            for row in rows()
            if row.status == "pending" and not any(m.endswith("/") for m in row.modules)
        ]
    )


def test_no_row_is_pending() -> None:
    pending = [row for row in rows() if row.status == "pending"]
    if pending:
        listed = "\n  ".join(f"{row}: {', '.join(row.modules)}" for row in pending)
        pytest.fail(
            f"{len(pending)} rows of docs/regulation.md are still pending — each app of issue 16 replaces its "
            "row(s) with the module paths and tests that implement the article once it lands:\n  " + listed,
            pytrace=False,
        )
