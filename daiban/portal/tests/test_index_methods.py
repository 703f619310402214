"""The portal's front page takes GET only: any other method is 405, as for every other public page (the
security matrix, tests/test_security_matrix.py, found it answering PUT, PATCH and DELETE with the page)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(method: str) -> None:
    assert getattr(Client(), method)("/public/").status_code == 405


@pytest.mark.django_db
def test_get_still_shows_the_page() -> None:
    assert Client().get("/public/").status_code == 200
