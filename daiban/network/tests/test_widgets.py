"""The unit picker: pinyin keys, groups by level as seen from the holding level, the rendered widgets, and
the route form that uses them (a township station sees its own units; an accusation only discipline)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.matters import actions
from daiban.matters.forms import RouteForm
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.network.widgets import UnitCheckboxes, UnitSelect, pinyin_keys, unit_groups


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


@pytest.fixture
def units(tree: Tree) -> dict[str, ResponsibleUnit]:
    justice_a = ResponsibleUnit.objects.create(
        region=tree.county_a, name="新城区司法局", domain=UnitDomain.JUSTICE
    )
    return {
        "justice_a": justice_a,
        "justice_a1": ResponsibleUnit.objects.create(
            region=tree.town_a1, name="呼伦路街道司法所", domain=UnitDomain.JUSTICE, superior=justice_a
        ),
        "police_a1": ResponsibleUnit.objects.create(
            region=tree.town_a1, name="呼伦路街道派出所", domain=UnitDomain.PUBLIC_SECURITY
        ),
        "justice_a2": ResponsibleUnit.objects.create(
            region=tree.town_a2, name="迎新路街道司法所", domain=UnitDomain.JUSTICE
        ),
    }


def _labels(groups: list[tuple[str, list[ResponsibleUnit]]]) -> list[tuple[str, list[str]]]:
    return [(label, [u.name for u in members]) for label, members in groups]


# --- pinyin ------------------------------------------------------------------------------------------------


def test_pinyin_keys() -> None:
    assert pinyin_keys("呼伦路街道司法所") == ("hlljdsfs", "hulunlujiedaosifasuo")
    assert pinyin_keys("新城区住房和城乡建设局")[0] == "xcqzfhcxjsj"
    assert pinyin_keys("12345 热线") == ("12345rx", "12345rexian")  # digits are kept


# --- groups ------------------------------------------------------------------------------------------------


def test_groups_seen_from_a_township(tree: Tree, units: dict[str, ResponsibleUnit]) -> None:
    everything = ResponsibleUnit.objects.select_related("region").order_by("region_path", "domain", "name")
    groups = _labels(unit_groups(everything, tree.town_a1.path))
    # Its own township first, then the county above, then the city; what lies beside it last.
    assert [label for label, _ in groups] == [
        "本乡镇（街道）",
        "县级",
        "市级",
        "乡镇（街道） · 迎新路街道",
        "县级 · 托克托县",
    ]
    assert groups[0] == ("本乡镇（街道）", ["呼伦路街道司法所", "呼伦路街道派出所"])
    assert groups[2] == ("市级", ["呼和浩特市住房和城乡建设局"])


def test_groups_seen_from_the_county_and_the_city(tree: Tree, units: dict[str, ResponsibleUnit]) -> None:
    everything = ResponsibleUnit.objects.select_related("region").order_by("region_path", "domain", "name")
    county = _labels(
        unit_groups(everything.filter(region_path__startswith=tree.county_a.path), tree.county_a.path)
    )
    assert [label for label, _ in county] == [
        "县级",
        "乡镇（街道） · 迎新路街道",  # by code: 150102007 before 150102401
        "乡镇（街道） · 呼伦路街道",
    ]
    assert county[0][1] == [  # in the order given: by domain
        "新城区纪委监委",
        "新城区住房和城乡建设局",
        "新城区人力资源和社会保障局",
        "新城区司法局",
    ]
    city = [label for label, _ in unit_groups(everything, tree.city.path)]
    assert city == [
        "市级",
        "县级 · 新城区",
        "乡镇（街道） · 迎新路街道",
        "乡镇（街道） · 呼伦路街道",
        "县级 · 托克托县",
    ]


# --- the widgets -------------------------------------------------------------------------------------------


class _Form(forms.Form):
    lead = forms.ModelChoiceField(
        queryset=ResponsibleUnit.objects.none(), widget=UnitSelect, empty_label="请选择"
    )
    co = forms.ModelMultipleChoiceField(
        queryset=ResponsibleUnit.objects.none(), widget=UnitCheckboxes, required=False
    )

    def __init__(self, holder_path: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        qs = ResponsibleUnit.objects.select_related("region").order_by("region_path", "domain", "name")
        for name in ("lead", "co"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs
            field.widget.for_holder(holder_path)  # type: ignore[attr-defined]


def test_the_select_has_optgroups_pinyin_and_keeps_the_choice(
    tree: Tree, units: dict[str, ResponsibleUnit]
) -> None:
    justice = units["justice_a1"]
    html = str(_Form(tree.town_a1.path, data={"lead": justice.pk})["lead"])
    assert html.index('<option value="">请选择</option>') < html.index('<optgroup label="本乡镇（街道）">')
    assert html.index('<optgroup label="本乡镇（街道）">') < html.index('<optgroup label="县级">')
    assert html.index('<optgroup label="县级">') < html.index('<optgroup label="市级">')
    option = re.search(rf'<option value="{justice.pk}"[^>]*>', html)
    assert option is not None
    assert 'data-initials="hlljdsfs"' in option.group(
        0
    ) and 'data-pinyin="hulunlujiedaosifasuo"' in option.group(0)
    assert " selected" in option.group(0)
    assert html.count(" selected") == 1
    # The search box is hidden until the script shows it; the script and its styles come from static files.
    assert re.search(r'<input type="search"[^>]*id="id_lead_filter"[^>]*hidden>', html)
    assert "/static/network/unit_picker.js" in html and "/static/network/unit_picker.css" in html
    assert 'name="' not in html.split("<select", 1)[0]  # the search box is never posted


def test_the_checkboxes_are_grouped_in_fieldsets(tree: Tree, units: dict[str, ResponsibleUnit]) -> None:
    chosen = [units["police_a1"].pk, units["justice_a"].pk]
    html = str(_Form(tree.town_a1.path, data={"co": chosen})["co"])
    legends = re.findall(r"<legend>(.*?)</legend>", html)
    assert legends[:3] == ["本乡镇（街道）", "县级", "市级"]
    checked = re.findall(r'<input type="checkbox" name="co" value="(\d+)"[^>]*checked', html)
    assert sorted(map(int, checked)) == sorted(chosen)
    assert html.count('type="checkbox"') == ResponsibleUnit.objects.count()
    assert html.count("data-unit-option") == ResponsibleUnit.objects.count()
    # Every checkbox has its own id and a label for it.
    ids = re.findall(r'<input type="checkbox"[^>]* id="([^"]+)"', html)
    assert len(set(ids)) == len(ids) and all(f'for="{i}"' in html for i in ids)


def test_the_widgets_post_as_before(tree: Tree, units: dict[str, ResponsibleUnit]) -> None:
    form = _Form(tree.town_a1.path, data={"lead": units["justice_a1"].pk, "co": [units["police_a1"].pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["lead"] == units["justice_a1"]
    assert list(form.cleaned_data["co"]) == [units["police_a1"]]


# --- the route form ----------------------------------------------------------------------------------------


def _at_town(flow: Flow, **overrides: object) -> Matter:
    m = flow.at_village(**overrides)
    return flow.fresh(flow.act(actions.matter_escalate, flow.p.village_agent, m, note="需街道协调"))


def test_the_route_form_of_a_township_station(
    flow: Flow, tree: Tree, personas: Personas, units: dict[str, ResponsibleUnit]
) -> None:
    m = _at_town(flow)
    form = RouteForm(user=personas.township_staff, matter=m)
    for name in ("lead_unit", "co_units"):
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        assert set(field.queryset) == {units["justice_a1"], units["police_a1"]}
    html = str(form["lead_unit"])
    assert '<optgroup label="本乡镇（街道）">' in html and "县级" not in html
    assert 'data-initials="hlljdsfs"' in html
    assert '<option value="" selected>请选择主办单位</option>' in html


def test_the_route_form_offers_an_accusation_only_to_discipline(
    flow: Flow, tree: Tree, personas: Personas, units: dict[str, ResponsibleUnit]
) -> None:
    m = _at_town(flow, purpose="accusation", category="discipline", title="检举社区干部")
    form = RouteForm(user=personas.township_staff, matter=m)
    field = form.fields["lead_unit"]
    assert isinstance(field, forms.ModelChoiceField)
    assert list(field.queryset) == [tree.unit_discipline_a]
    assert '<optgroup label="县级">' in str(form["lead_unit"])


def test_the_route_form_of_the_county_offers_an_accusation_only_to_discipline(
    flow: Flow, tree: Tree, personas: Personas, units: dict[str, ResponsibleUnit]
) -> None:
    county = flow.at_county(purpose="accusation", category="discipline", title="检举某局干部")
    form = RouteForm(user=personas.county_staff, matter=county)
    field = form.fields["co_units"]
    assert isinstance(field, forms.ModelChoiceField)
    assert list(field.queryset) == [tree.unit_discipline_a]  # not the accused unit, nor any other


def test_the_route_page_of_a_township_station(
    flow: Flow, tree: Tree, personas: Personas, units: dict[str, ResponsibleUnit]
) -> None:
    m = _at_town(flow)
    client = Client()
    assert client.login(username=personas.township_staff.username, password=PASSWORD)
    response = client.get(f"/matters/{m.pk}/act/route/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "呼伦路街道司法所" in html and "新城区司法局" not in html and "迎新路街道司法所" not in html
    assert html.count("/static/network/unit_picker.js") == 2  # one per widget; the script runs once
