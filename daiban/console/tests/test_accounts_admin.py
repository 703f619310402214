"""The scoped account admin: a county administrator manages accounts in their county only, never creates
a city administrator, and cannot grant more than they hold."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import Personas, Tree
from daiban.accounts.models import Role, User

USERS = "/admin/accounts/user/"
STRONG = "Qingcheng-Harbour-2026"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add_data(tree: Tree, **overrides: str) -> dict[str, str]:
    data = {
        "username": "new_station_staff",
        "usable_password": "true",
        "password1": STRONG,
        "password2": STRONG,
        "display_name": "新站员",
        "role": Role.TOWNSHIP_STAFF,
        "region": str(tree.town_a2.pk),
        "unit": "",
    }
    data.update(overrides)
    return data


def _change_data(user: User, **overrides: str) -> dict[str, str]:
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": "",
        "role": user.role,
        "region": str(user.region_id),
        "unit": str(user.unit_id or ""),
        "is_active": "on",
    }
    data.update(overrides)
    return data


def _form(response: Any) -> Any:
    return response.context["adminform"].form


def test_county_admin_lists_only_own_county_accounts(tree: Tree, personas: Personas) -> None:
    response = _client(personas.county_staff).get(USERS)
    assert response.status_code == 200
    listed = {u.username for u in response.context["cl"].result_list}
    assert listed == {
        "village_agent",
        "township_staff",
        "county_staff",
        "unit_handler",
        "leader",
    }  # the supervisor (纪检) account is managed by the city administrator only


def test_city_admin_lists_every_account_with_a_grant(tree: Tree, personas: Personas) -> None:
    User.objects.create_superuser("root", password="irrelevant-pass-1")  # no grant: listed for nobody
    response = _client(personas.city_admin).get(USERS)
    assert {u.username for u in response.context["cl"].result_list} == set(personas.all().keys())


def test_county_admin_creates_an_account_in_own_county(tree: Tree, personas: Personas) -> None:
    response = _client(personas.county_staff).post(USERS + "add/", _add_data(tree))
    assert response.status_code == 302
    user = User.objects.get(username="new_station_staff")
    assert (user.role, user.region, user.region_path) == (
        Role.TOWNSHIP_STAFF,
        tree.town_a2,
        tree.town_a2.path,
    )
    assert user.check_password(STRONG) and not user.is_superuser


def test_county_admin_cannot_create_an_account_in_another_county(tree: Tree, personas: Personas) -> None:
    response = _client(personas.county_staff).post(
        USERS + "add/", _add_data(tree, region=str(tree.town_b1.pk))
    )
    assert response.status_code == 200
    assert "region" in _form(response).errors
    assert not User.objects.filter(username="new_station_staff").exists()


def test_county_admin_cannot_create_a_city_admin(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    offered = {value for value, _ in _form(client.get(USERS + "add/")).fields["role"].choices}
    assert Role.CITY_ADMIN not in offered and Role.COUNTY_STAFF in offered
    response = client.post(
        USERS + "add/", _add_data(tree, role=Role.CITY_ADMIN, region=str(tree.county_a.pk))
    )
    assert response.status_code == 200
    assert "role" in _form(response).errors
    assert not User.objects.filter(username="new_station_staff").exists()


def test_city_admin_can_create_a_city_admin(tree: Tree, personas: Personas) -> None:
    data = _add_data(tree, role=Role.CITY_ADMIN, region=str(tree.city.pk), is_staff="on")
    assert _client(personas.city_admin).post(USERS + "add/", data).status_code == 302
    created = User.objects.get(username="new_station_staff")
    assert (created.role, created.is_staff, created.is_superuser) == (Role.CITY_ADMIN, True, False)


def test_weak_password_is_rejected(tree: Tree, personas: Personas) -> None:
    data = _add_data(tree, password1="12345678", password2="12345678")
    response = _client(personas.county_staff).post(USERS + "add/", data)
    assert response.status_code == 200
    assert "password2" in _form(response).errors
    assert not User.objects.filter(username="new_station_staff").exists()


def test_unit_handler_needs_a_unit_of_their_region(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    data = _add_data(tree, role=Role.UNIT_HANDLER, region=str(tree.county_a.pk), unit=str(tree.unit_hr_a.pk))
    assert client.post(USERS + "add/", data).status_code == 302
    # A unit outside the county is not even a choice.
    data = _add_data(
        tree,
        username="other",
        role=Role.UNIT_HANDLER,
        region=str(tree.county_a.pk),
        unit=str(tree.unit_housing_b.pk),
    )
    assert "unit" in _form(client.post(USERS + "add/", data)).errors


def test_unit_handler_region_must_be_the_units_region(tree: Tree, personas: Personas) -> None:
    data = _add_data(
        tree, role=Role.UNIT_HANDLER, region=str(tree.county_a.pk), unit=str(tree.unit_housing_city.pk)
    )
    response = _client(personas.city_admin).post(USERS + "add/", data)
    assert response.status_code == 200
    assert _form(response).non_field_errors() == [
        "事权单位经办人的管辖区域须为其所属单位（呼和浩特市住房和城乡建设局）所在区域。"
    ]
    assert not User.objects.filter(username="new_station_staff").exists()


def test_county_admin_cannot_grant_superuser(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    target = personas.township_staff
    form = _form(client.get(f"{USERS}{target.pk}/change/"))
    assert "is_superuser" not in form.fields and "groups" not in form.fields
    response = client.post(
        f"{USERS}{target.pk}/change/", _change_data(target, is_superuser="on", is_staff="on")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_superuser
    assert target.is_staff  # staff status the county administrator holds themselves


def test_county_admin_cannot_move_an_account_out_of_the_county(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    target = personas.leader
    response = client.post(f"{USERS}{target.pk}/change/", _change_data(target, region=str(tree.county_b.pk)))
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.region == tree.county_a


def test_out_of_scope_accounts_answer_404(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    for user in (personas.outsider, personas.city_admin):
        for suffix in ("change/", "password/", "delete/", "history/"):
            assert client.get(f"{USERS}{user.pk}/{suffix}").status_code == 404, (user.username, suffix)
    response = client.post(
        f"{USERS}{personas.outsider.pk}/password/", {"password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 404
    personas.outsider.refresh_from_db()
    assert not personas.outsider.check_password(STRONG)


def test_non_admin_roles_cannot_manage_accounts(tree: Tree, personas: Personas) -> None:
    staff_agent = personas.township_staff
    staff_agent.is_staff = True
    staff_agent.save()
    assert _client(staff_agent).get(USERS).status_code == 403
    assert _client(personas.village_agent).get(USERS).status_code == 302  # not staff: to the admin login
