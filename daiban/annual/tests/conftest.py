"""Fixtures of the annual report tests: the statistics' summer of real actions (June–August 2026 in both
counties, rollups filled by the after-commit hooks as in production) and a signed-in client per persona."""

from __future__ import annotations

from daiban.stats.tests.engine.conftest import _fresh_calendar_cache  # noqa: F401  (autouse)
from daiban.stats.tests.views.conftest import client_for, quiet, summer  # noqa: F401  (fixtures)
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for test_phone)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)
