"""The scoped admin (console) for the network and regions: who sees and may change what.

新城区's administrator is ``personas.county_staff``; 托克托县's is ``personas.outsider``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client, RequestFactory

from conftest import Personas, Tree
from daiban.accounts.models import User
from daiban.console.scoping import OUT_OF_SCOPE, ScopedAdminMixin
from daiban.network.models import Agent, ResponsibleUnit, ServiceOrganization
from daiban.regions.geometry import codes, contains, subtree_q
from daiban.regions.models import Region

SCOPED_APPS = {"regions", "network", "accounts"}


def _scoped_apps(response: Any) -> list[str]:
    """Apps of this admin shown on the index (other apps' admins have their own rules)."""
    return [app["app_label"] for app in response.context["app_list"] if app["app_label"] in SCOPED_APPS]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(model: type[Model], view: str = "changelist", obj: Model | None = None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    if view == "changelist":
        return base
    if view == "add":
        return base + "add/"
    assert obj is not None
    return f"{base}{obj.pk}/{view}/"


def _listed(client: Client, model: type[Model], query: str = "") -> list[Any]:
    response = client.get(_url(model) + query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def _agent_form_data(organization: ServiceOrganization, name: str = "新代办员") -> dict[str, str]:
    return {"name": name, "organization": str(organization.pk), "employment": "part", "is_active": "on"}


# --- who may open the admin -----------------------------------------------------------------------


def test_non_staff_user_cannot_open_the_admin(personas: Personas) -> None:
    client = _client(personas.village_agent)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(_url(Agent)).status_code == 302


def test_staff_without_an_admin_role_sees_no_models(tree: Tree) -> None:
    leader = User.objects.create_user("staff_leader", role="leader", region=tree.county_a, is_staff=True)
    client = _client(leader)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert _scoped_apps(response) == []
    assert client.get(_url(Agent)).status_code == 403


def test_superuser_without_a_grant_sees_nothing(tree: Tree, personas: Personas) -> None:
    root = User.objects.create_superuser("root", password="irrelevant-pass-1")
    client = _client(root)
    assert _scoped_apps(client.get("/admin/")) == []
    assert client.get(_url(Agent)).status_code == 403
    outsider_agent = Agent.objects.get(user=personas.outsider_village_agent)
    assert client.get(_url(Agent, "change", outsider_agent)).status_code == 404


# --- lists ----------------------------------------------------------------------------------------


def test_county_admin_lists_only_own_county_agents(tree: Tree, personas: Personas) -> None:
    listed = _listed(_client(personas.county_staff), Agent)
    assert listed
    assert {codes(a.region_path)[1] for a in listed} == {tree.county_a.code}
    assert {a.pk for a in listed} == set(
        Agent.objects.filter(subtree_q(tree.county_a.path)).values_list("pk", flat=True)
    )


def test_county_admin_search_and_filters_stay_in_scope(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    assert _listed(client, Agent, "?q=outsider") == []
    # The area filter offers the county's townships, and an outside code matches nothing.
    response = client.get(_url(Agent))
    area = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "area")
    assert {code for code, _ in area.lookup_choices} == {tree.town_a1.code, tree.town_a2.code}
    assert _listed(client, Agent, f"?area={tree.town_b1.code}") == []
    in_town = _listed(client, Agent, f"?area={tree.town_a1.code}")
    assert in_town and all(contains(tree.town_a1.path, a.region_path) for a in in_town)


def test_city_admin_sees_all(tree: Tree, personas: Personas) -> None:
    client = _client(personas.city_admin)
    assert len(_listed(client, Agent)) == Agent.objects.count()
    assert len(_listed(client, ServiceOrganization)) == ServiceOrganization.objects.count()
    assert len(_listed(client, ResponsibleUnit)) == ResponsibleUnit.objects.count()
    assert len(_listed(client, Region)) == Region.objects.count()
    outsider_agent = Agent.objects.get(user=personas.outsider_village_agent)
    assert client.get(_url(Agent, "change", outsider_agent)).status_code == 200


def test_other_lists_are_scoped_too(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    for model, listed in (
        (ServiceOrganization, _listed(client, ServiceOrganization)),
        (ResponsibleUnit, _listed(client, ResponsibleUnit)),
    ):
        assert listed and all(contains(tree.county_a.path, o.region_path) for o in listed), model
    regions = _listed(client, Region)
    assert {r.code for r in regions} == set(
        Region.objects.subtree(tree.county_a.path).values_list("code", flat=True)
    )


def test_agent_list_query_count_does_not_grow_with_rows(
    tree: Tree, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    org = ServiceOrganization.objects.get(region=tree.village_a1x)
    Agent.objects.bulk_create(
        Agent(name=f"代办员{i}", organization=org, region=org.region, region_path=org.region_path)
        for i in range(40)
    )
    client = _client(personas.county_staff)
    with django_assert_max_num_queries(20):
        client.get(_url(Agent))


# --- objects outside the scope answer 404 ---------------------------------------------------------


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_county_admin_gets_404_on_another_countys_agent(personas: Personas, view: str) -> None:
    outsider_agent = Agent.objects.get(user=personas.outsider_village_agent)
    client = _client(personas.county_staff)
    assert client.get(_url(Agent, view, outsider_agent)).status_code == 404


def test_posting_to_another_countys_agent_changes_nothing(personas: Personas) -> None:
    outsider_agent = Agent.objects.get(user=personas.outsider_village_agent)
    client = _client(personas.county_staff)
    data = _agent_form_data(outsider_agent.organization, name="篡改")
    assert client.post(_url(Agent, "change", outsider_agent), data).status_code == 404
    assert client.post(_url(Agent, "delete", outsider_agent), {"post": "yes"}).status_code == 404
    outsider_agent.refresh_from_db()
    assert outsider_agent.name == "outsider_village_agent"


def test_missing_and_out_of_scope_ids_look_the_same(personas: Personas) -> None:
    client = _client(personas.county_staff)
    assert client.get("/admin/network/agent/999999/change/").status_code == 404
    assert client.get(_url(Region, "change", Region.objects.get(code="150122"))).status_code == 404


def test_county_admin_can_edit_own_agent(tree: Tree, personas: Personas) -> None:
    agent = Agent.objects.get(user=personas.village_agent)
    client = _client(personas.county_staff)
    assert client.get(_url(Agent, "change", agent)).status_code == 200
    data = _agent_form_data(agent.organization, name="改名")
    data["user"] = str(personas.village_agent.pk)
    response = client.post(_url(Agent, "change", agent), data)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.name == "改名"


# --- forms offer and accept only what is in scope -------------------------------------------------


def test_forms_offer_only_in_scope_choices(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    org_form = client.get(_url(ServiceOrganization, "add")).context["adminform"].form
    assert set(org_form.fields["region"].queryset) == set(Region.objects.subtree(tree.county_a.path))
    agent_form = client.get(_url(Agent, "add")).context["adminform"].form
    for name in ("organization", "user"):
        offered = list(agent_form.fields[name].queryset)
        assert offered and all(contains(tree.county_a.path, o.region_path) for o in offered), name


def test_cannot_create_an_organisation_in_another_county(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    before = ServiceOrganization.objects.count()
    data = {
        "name": "越权代办站",
        "region": str(tree.town_b1.pk),
        "kind": "station",
        "level": "3",
        "handling_role": "co",
    }
    response = client.post(_url(ServiceOrganization, "add"), data)
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert ServiceOrganization.objects.count() == before


def test_can_create_an_organisation_in_own_county(tree: Tree, personas: Personas) -> None:
    village = Region.objects.create(code="150102401003", name="新建社区", level=4, parent=tree.town_a1)
    client = _client(personas.county_staff)
    data = {
        "name": "新建社区信访代办点",
        "region": str(village.pk),
        "kind": "point",
        "level": "4",
        "handling_role": "proxy",
    }
    assert client.post(_url(ServiceOrganization, "add"), data).status_code == 302
    assert ServiceOrganization.objects.get(name="新建社区信访代办点").region_path == village.path


def test_organisation_kind_must_fit_the_region_level(tree: Tree, personas: Personas) -> None:
    village = Region.objects.create(code="150102401003", name="新建社区", level=4, parent=tree.town_a1)
    client = _client(personas.county_staff)
    data = {
        "name": "错层级",
        "region": str(village.pk),
        "kind": "centre",
        "level": "2",
        "handling_role": "lead",
    }
    response = client.post(_url(ServiceOrganization, "add"), data)
    assert set(response.context["adminform"].form.errors) == {"kind", "level", "handling_role"}


def test_cannot_move_an_agent_to_another_countys_organisation(tree: Tree, personas: Personas) -> None:
    agent = Agent.objects.get(user=personas.village_agent)
    outside_org = ServiceOrganization.objects.get(region=tree.village_b1x)
    client = _client(personas.county_staff)
    response = client.post(_url(Agent, "change", agent), _agent_form_data(outside_org))
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.organization.region == tree.village_a1x


def test_scope_check_holds_even_if_choices_were_widened(tree: Tree, personas: Personas) -> None:
    """The save-time check does not rely on the choices: widen them, and the region is still refused."""
    model_admin = admin.site._registry[ServiceOrganization]
    assert isinstance(model_admin, ScopedAdminMixin)
    request = RequestFactory().post("/")
    request.user = personas.county_staff
    form_class = model_admin.get_form(request)
    form = form_class(
        data={"name": "越权", "region": tree.town_b1.pk, "kind": "station", "level": 3, "handling_role": "co"}
    )
    form.fields["region"].queryset = Region.objects.all()  # type: ignore[attr-defined]
    assert not form.is_valid()
    assert form.errors["region"] == [OUT_OF_SCOPE]


def test_region_autocomplete_is_scoped(tree: Tree, personas: Personas) -> None:
    url = "/admin/autocomplete/?app_label=network&model_name=serviceorganization&field_name=region&term="
    county = _client(personas.county_staff).get(url + "双河")
    assert county.status_code == 200 and county.json()["results"] == []
    city = _client(personas.city_admin).get(url + "双河")
    assert [r["text"] for r in city.json()["results"]] == ["双河镇"]
    codes = _client(personas.county_staff).get(url + "150122").json()["results"]
    assert codes == []


# --- regions are read-only; units may name a superior above the county ----------------------------


def test_regions_are_read_only(tree: Tree, personas: Personas) -> None:
    client = _client(personas.city_admin)
    assert client.get(_url(Region, "add")).status_code == 403
    response = client.post(_url(Region, "change", tree.town_a1), {"name": "改名", "code": tree.town_a1.code})
    assert response.status_code == 403
    tree.town_a1.refresh_from_db()
    assert tree.town_a1.name == "呼伦路街道"
    assert _listed(client, Region, "?level=3") and all(
        r.level == 3 for r in _listed(client, Region, "?level=3")
    )
    assert [r.name for r in _listed(client, Region, "?q=苏雅拉")] == ["苏雅拉社区"]


def test_unit_superior_may_be_the_city_unit(tree: Tree, personas: Personas) -> None:
    client = _client(personas.county_staff)
    unit = tree.unit_housing_a
    form = client.get(_url(ResponsibleUnit, "change", unit)).context["adminform"].form
    superiors = set(form.fields["superior"].queryset)
    assert tree.unit_housing_city in superiors and tree.unit_housing_b not in superiors
    data = {
        "name": unit.name,
        "region": str(tree.county_a.pk),
        "domain": unit.domain,
        "superior": str(tree.unit_housing_city.pk),
        "phone": "0471-6000000",
        "is_active": "on",
    }
    assert client.post(_url(ResponsibleUnit, "change", unit), data).status_code == 302
    unit.refresh_from_db()
    assert unit.phone == "0471-6000000" and unit.superior == tree.unit_housing_city
    # The city unit itself stays out of reach.
    assert client.get(_url(ResponsibleUnit, "change", tree.unit_housing_city)).status_code == 404
    data["superior"] = str(tree.unit_housing_b.pk)
    assert client.post(_url(ResponsibleUnit, "change", unit), data).status_code == 200
