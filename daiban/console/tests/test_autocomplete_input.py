"""A forged value in an autocomplete field (text where an id belongs, a number no column holds) is a form
error on the add page, not a 500 while the form is shown again (Django's own autocomplete widget looks
the submitted value up as it is)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import Personas, Tree
from daiban.network.models import ResponsibleUnit


@pytest.mark.parametrize("value", ["²", "abc", "9" * 25, "-1"])
def test_a_forged_region_is_a_form_error(value: str, tree: Tree, personas: Personas) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(personas.city_admin)
    before = ResponsibleUnit.objects.count()
    response = client.post(
        "/admin/network/responsibleunit/add/",
        {"name": "测试单位", "region": value, "domain": "housing", "is_active": "on"},
    )
    assert response.status_code == 200, response.status_code
    assert "region" in response.context["adminform"].form.errors
    assert ResponsibleUnit.objects.count() == before


def test_a_valid_region_is_still_shown_when_the_form_comes_back(tree: Tree, personas: Personas) -> None:
    client = Client()
    client.force_login(personas.city_admin)
    response = client.post("/admin/network/responsibleunit/add/", {"region": tree.county_a.pk})
    assert response.status_code == 200
    assert f'<option value="{tree.county_a.pk}" selected>' in response.content.decode()
