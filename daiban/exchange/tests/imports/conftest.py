"""The browser fixtures of tests/browser, for the import pages' phone-width test."""

from __future__ import annotations

from tests.browser.conftest import (  # noqa: F401  (the browser fixtures)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)
