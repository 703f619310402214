"""Fixtures of the statistics engine tests: matters driven through the real actions on a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import Personas, Tree
from daiban.matters.tests.factories import Flow
from daiban.workcal import hooks
from daiban.workcal.schedule import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    discard = getattr(hooks, "discard_pending", None)
    clear_cache()
    if discard:
        discard()
    yield
    clear_cache()
    if discard:
        discard()


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)
