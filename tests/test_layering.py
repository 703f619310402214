"""The rule of direction, enforced: the import-linter contracts in pyproject.toml, run by ``make test``.

Each contract runs on its own (``lint-imports --contract ID``) and a broken one fails with import-linter's
report, which names every offending import chain. The demo contract is skipped while ``daiban/demo`` does
not exist (import-linter refuses a forbidden module that is not there).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# The foundations of the architecture note; everything else in daiban/ is built around them.
FOUNDATIONS = {"core", "audit", "regions", "accounts", "network", "pii", "workcal"}
# Checked by the "no-demo" contract instead of the layers: everything may be imported by it, nothing imports it.
DEMO = "demo"


def _config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        config: dict[str, Any] = tomllib.load(f)["tool"]["importlinter"]
    return config


def _contracts() -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in _config()["contracts"]}


def _apps() -> set[str]:
    """The Django apps in daiban/ (packages with an apps.py)."""
    return {p.parent.name for p in (ROOT / "daiban").glob("*/apps.py")}


def _run(contract: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--contract", contract],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("contract", sorted(_contracts()))
def test_contract_is_kept(contract: str) -> None:
    if contract == "no-demo" and not (ROOT / "daiban" / DEMO / "__init__.py").exists():
        pytest.skip("daiban/demo does not exist yet")
    result = _run(contract)
    assert result.returncode == 0, (
        f"import-linter: contract {contract!r} broken\n{result.stdout}{result.stderr}"
    )
    assert "KEPT" in result.stdout, result.stdout


def test_every_app_has_a_place_in_the_layers() -> None:
    """A new app must be placed in the layers contract (and, if it is built around matters, in the
    foundations contract's forbidden list) — else the contracts would silently not cover it."""
    contracts = _contracts()
    layered = {
        name.strip().removeprefix("daiban.")
        for layer in contracts["layers"]["layers"]
        for name in layer.replace(":", "|").split("|")
    }
    assert _apps() - {DEMO} <= layered, "add the new app to the layers contract in pyproject.toml"
    outer = {m.removeprefix("daiban.") for m in contracts["foundations"]["forbidden_modules"]}
    assert {m.removeprefix("daiban.") for m in contracts["foundations"]["source_modules"]} == FOUNDATIONS
    missing = _apps() - FOUNDATIONS - {DEMO} - outer
    assert not missing, f"add {sorted(missing)} to the foundations contract's forbidden_modules"


def test_the_demo_contract_covers_every_module() -> None:
    demo = _contracts()["no-demo"]
    assert demo["source_modules"] == ["daiban.*"]
    assert demo["forbidden_modules"] == ["daiban.demo"]
