"""Fixtures of the directory tests: the published agents (helpers.build) and a temporary media root."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from conftest import Personas, Tree
from daiban.portal.tests.directory.helpers import Directory, build


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path):  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield tmp_path / "media"


@pytest.fixture
def directory(tree: Tree, personas: Personas) -> Directory:
    return build(tree, personas)
