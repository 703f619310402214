from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)
