"""The demo is development-only: no production module imports it (docs: architecture, "demo" row)."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import daiban

ROOT = Path(daiban.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_production_module_imports_the_demo() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "demo" or "tests" in relative.parts:
            continue
        if any(name == "daiban.demo" or name.startswith("daiban.demo.") for name in _imports(path)):
            offenders.append(str(relative))
    assert offenders == []


def test_every_data_file_parses_and_is_read_by_the_demo() -> None:
    data = ROOT / "demo" / "data"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "demo").rglob("*.py"))
    files = [p for p in data.rglob("*") if p.suffix in (".json", ".csv")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            json.loads(text)
        else:
            assert next(csv.reader(io.StringIO(text)))  # a header row
        assert f'"{path.relative_to(data).as_posix()}"' in sources, path.name
