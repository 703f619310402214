"""Per-app additions to the site-wide route matrices.

The permission matrix (tests/test_url_permissions.py) and the fuzz test (tests/test_fuzz_inputs.py) each
require a case for every named URL. An app built around matters keeps its own cases beside its code, in
``daiban/<app>/tests/**/test_url_permissions.py`` (a ``CASES`` dict, same ``Case`` shape) and
``daiban/<app>/tests/**/test_fuzz_inputs.py`` (a ``ROUTES`` dict, same ``Route`` shape); the coverage
checks count those too.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def case_names(basename: str, attr: str) -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "daiban").glob(f"*/tests/**/{basename}.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        names |= set(getattr(import_module(module), attr, {}))
    return names
