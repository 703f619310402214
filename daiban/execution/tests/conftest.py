from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


from tests.browser.conftest import (  # noqa: E402, F401  (the browser fixtures, for test_phone)
    browser,
    new_context,
    server,
    static_watch,
    time_limits,
)
