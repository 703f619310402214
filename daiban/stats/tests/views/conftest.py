"""Fixtures of the dashboard tests: a summer of real actions in both counties (the engine's seeded story,
its after-commit hooks filling the rollups as in production), the clock frozen on the day after it, and a
signed-in client per persona."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, at
from daiban.stats import facts
from daiban.stats.tests.engine.scenario import Story


@pytest.fixture
def summer(
    tree: Tree, personas: Personas, django_capture_on_commit_callbacks: Any
) -> Iterator[datetime.date]:
    """Plays the story (June–August 2026) and freezes the clock on the next morning, after the night's
    refresh of the clocks that ran out since their matter last changed (``tasks.run_refresh_stale``);
    yields that day."""
    story = Story(Flow(tree, personas), tree, personas, django_capture_on_commit_callbacks)
    last = story.play(steps=10)
    today = last + datetime.timedelta(days=1)
    with clock.frozen(at(today.year, today.month, today.day, 9)):
        facts.refresh_matters(Matter.objects.values_list("pk", flat=True))
        yield today


@pytest.fixture
def quiet(tree: Tree) -> Iterator[datetime.date]:
    """No matter at all; the clock frozen on 2026-11-26."""
    with clock.frozen(at(2026, 11, 26, 9)):
        yield datetime.date(2026, 11, 26)


@pytest.fixture
def client_for(personas: Personas) -> Callable[[str], Client]:
    def make(name: str) -> Client:
        client = Client()
        assert client.login(username=getattr(personas, name).username, password=PASSWORD)
        return client

    return make
