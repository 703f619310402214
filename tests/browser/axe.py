"""Accessibility checks with axe-core, fetched from the npm registry by the set-up (package.json; ``make
test`` runs ``npm ci``), never committed and never served to users.

    from tests.browser.axe import assert_accessible
    assert_accessible(page)  # the page as it is now: no WCAG 2.1 A/AA violation

The script is evaluated through Playwright (the DevTools protocol), so a Content-Security-Policy of the
page does not stand in its way and nothing is added to the page's own resources.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (npm ci fetches axe-core from package-lock.json)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(_source())
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return list(result["violations"])


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    found = violations(page)
    assert not found, f"axe-core found accessibility violations on {page.url}:\n{describe(found)}"
