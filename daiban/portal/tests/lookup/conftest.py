"""Fixtures of the lookup tests: a flow on a moving frozen clock (Monday 2026-06-01 onwards), and the
browser fixtures of tests/browser for the phone test."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for test_phone)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)
