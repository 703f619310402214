"""Regression tests from the second internal review: admin privilege boundaries, city-wide configuration,
the reveal log, spreadsheet-safe exports and robust deadline recomputation."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import Role, User
from daiban.matters.deadlines import recompute_open
from daiban.matters.tests.factories import frozen, intake
from daiban.pii.models import RevealLog
from daiban.workcal.models import TimeLimit
from daiban.workcal.schedule import clear_cache


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_county_admin_cannot_touch_a_superuser_in_their_county(tree: Tree, personas: Personas) -> None:
    root = User.objects.create_superuser(
        "root", password="root-pass-12345", role=Role.COUNTY_STAFF, region=tree.county_a
    )
    client = _client(personas.county_staff)
    assert client.get(f"/admin/accounts/user/{root.pk}/change/").status_code == 404
    response = client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "taken-over-123", "password2": "taken-over-123"},
    )
    assert response.status_code == 404
    root.refresh_from_db()
    assert root.check_password("root-pass-12345")


def test_only_the_city_admin_manages_supervisor_accounts(tree: Tree, personas: Personas) -> None:
    county = _client(personas.county_staff)
    assert county.get(f"/admin/accounts/user/{personas.supervisor.pk}/change/").status_code == 404
    form = county.get("/admin/accounts/user/add/").context["adminform"].form
    assert Role.SUPERVISOR not in [v for v, _ in form.fields["role"].choices]
    assert (
        _client(personas.city_admin).get(f"/admin/accounts/user/{personas.supervisor.pk}/change/").status_code
        == 200
    )


def test_city_wide_configuration_is_edited_by_the_city_admin_only(tree: Tree, personas: Personas) -> None:
    city, county = _client(personas.city_admin), _client(personas.county_staff)
    assert city.get("/admin/workcal/scheduleyear/add/").status_code == 200
    assert city.get("/admin/workcal/timelimit/").status_code == 200
    assert county.get("/admin/workcal/timelimit/").status_code == 200  # may look
    assert county.get("/admin/workcal/scheduleyear/add/").status_code == 403
    route = TimeLimit.objects.get(key="route")
    assert county.post(f"/admin/workcal/timelimit/{route.pk}/change/", {"length": 1}).status_code == 403
    assert TimeLimit.objects.get(key="route").length == 15
    assert _client(personas.village_agent).get("/admin/workcal/timelimit/").status_code == 302  # not staff


def test_reveal_log_is_readable_by_admins_and_append_only(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        m = intake(personas.village_agent, tree.village_a1x)
    link = m.petitioner_links.get()
    assert (
        _client(personas.village_agent)
        .post(f"/matters/{m.pk}/petitioners/{link.pk}/reveal/phone/", {"reason": "notify"})
        .status_code
        == 200
    )
    assert _client(personas.city_admin).get("/admin/pii/reveallog/").context["cl"].result_count == 1
    assert _client(personas.county_staff).get("/admin/pii/reveallog/").context["cl"].result_count == 1
    assert _client(personas.outsider).get("/admin/pii/reveallog/").context["cl"].result_count == 0
    with pytest.raises(PermissionError):
        RevealLog.objects.update(reason="x")
    with pytest.raises(PermissionError):
        RevealLog.objects.all().delete()


def test_export_cells_never_start_a_formula(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        intake(personas.village_agent, tree.village_a1x, title='=HYPERLINK("http://x","点击")')
    body = b"".join(_client(personas.county_staff).get("/matters/export.csv").streaming_content).decode(
        "utf-8-sig"
    )  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_a_disabled_limit_does_not_stop_recomputing_the_others(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        intake(personas.village_agent, tree.village_a1x)
    TimeLimit.objects.filter(key="route").update(is_active=False)
    clear_cache()
    assert recompute_open() == 0  # kept, logged, and no exception
