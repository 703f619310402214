from __future__ import annotations

from daiban.matters.tests.conftest import _fresh_calendar_cache, flow, more  # noqa: F401  (the fixtures)
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for test_phone)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)
