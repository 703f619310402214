"""The demo network loader: the report's figures, determinism, idempotency and the named real places."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Concat

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.demo.network import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    build_plan,
    load_demo_network,
    network_fingerprint,
)
from daiban.network.models import (
    KIND_FOR_LEVEL,
    Agent,
    DeputyLevel,
    OrgKind,
    ResponsibleUnit,
    ServiceOrganization,
    UnitDomain,
)
from daiban.regions.geometry import subtree_q
from daiban.regions.models import Level, Region

# The newspaper report's figures per district (domain.md §1), copied here literally rather than from the
# loader, so that the loader is checked against the report and not against itself.
REPORT: dict[str, dict[str, int]] = {
    "150102": {"centres": 1, "stations": 12, "points": 92, "organisations": 105},  # 新城区
    "150103": {"organisations": 94, "agents": 1180, "county_deputies": 53},  # 回民区
    "150104": {"centres": 1, "stations": 10, "points": 132, "organisations": 143, "agents": 346},  # 玉泉区
    "150105": {"organisations": 242, "agents": 506},  # 赛罕区
    "150121": {"organisations": 346, "agents": 1188},  # 土默特左旗
    "150122": {"centres": 1, "stations": 6, "points": 136, "organisations": 143},  # 托克托县
    "150123": {
        "centres": 1,
        "stations": 10,
        "points": 160,
        "organisations": 171,
        "agents": 397,
    },  # 和林格尔县
    "150124": {"organisations": 120, "agents": 251},  # 清水河县
    "150125": {"organisations": 114, "agents": 533},  # 武川县
    "150172": {"organisations": 33, "agents": 33},  # 经济技术开发区 沙尔沁镇
}


def _district_figures(code: str) -> dict[str, int]:
    county = Region.objects.get(code=code)
    kinds = dict(
        ServiceOrganization.objects.filter(subtree_q(county.path))
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    agents = Agent.objects.filter(subtree_q(county.path))
    return {
        "centres": kinds.get(OrgKind.CENTRE, 0),
        "stations": kinds.get(OrgKind.STATION, 0),
        "points": kinds.get(OrgKind.POINT, 0),
        "organisations": sum(kinds.values()),
        "agents": agents.count(),
        "county_deputies": agents.filter(deputy_level=DeputyLevel.COUNTY).count(),
    }


@pytest.fixture
def loaded(db: None) -> None:
    assert load_demo_network() is not None


def test_each_district_matches_the_report_where_it_states_a_figure(loaded: None) -> None:
    mismatches = {}
    for code, stated in REPORT.items():
        actual = _district_figures(code)
        wrong = {k: (v, actual[k]) for k, v in stated.items() if actual[k] != v}
        if wrong:
            mismatches[code] = wrong
    assert mismatches == {}


def test_every_district_has_one_centre_and_stations_in_townships(loaded: None) -> None:
    for code in REPORT:
        assert _district_figures(code)["centres"] == 1, code
    # One station per township that has one, and one point per village, each at its own level.
    for org in ServiceOrganization.objects.select_related("region"):
        kind, role = KIND_FOR_LEVEL[Level(org.region.level)]
        assert (org.kind, org.handling_role, org.level) == (kind, role, org.region.level), org.name
    assert ServiceOrganization.objects.values("region").annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_villages_equal_points_in_every_county(loaded: None) -> None:
    for county in Region.objects.filter(level=Level.COUNTY):
        villages = Region.objects.subtree(county.path).filter(level=Level.VILLAGE).count()
        points = ServiceOrganization.objects.filter(subtree_q(county.path), kind=OrgKind.POINT).count()
        assert villages == points, county.name


def test_the_city_total_is_the_true_sum_not_the_reported_1486(loaded: None) -> None:
    districts = sum(f["organisations"] for f in REPORT.values())
    assert districts == 1511
    city_bureau = ServiceOrganization.objects.get(level=Level.CITY)
    assert (city_bureau.name, city_bureau.handling_role) == ("呼和浩特市信访局", "lead")
    assert ServiceOrganization.objects.count() == districts + 1


def test_every_organisation_has_an_agent_and_the_zone_exactly_one_each(loaded: None) -> None:
    assert not ServiceOrganization.objects.annotate(n=Count("agents")).filter(n=0).exists()
    zone = Region.objects.get(code="150172")
    per_org = (
        ServiceOrganization.objects.filter(subtree_q(zone.path))
        .annotate(n=Count("agents"))
        .values_list("n", flat=True)
    )
    assert set(per_org) == {1}


def test_agents_mix_full_and_part_time_by_level(loaded: None) -> None:
    def full_share(kind: OrgKind) -> float:
        agents = Agent.objects.filter(organization__kind=kind, organization__level__gt=Level.CITY)
        return agents.filter(employment="full").count() / agents.count()

    assert full_share(OrgKind.CENTRE) > 0.5
    assert full_share(OrgKind.STATION) > 0.5
    assert full_share(OrgKind.POINT) < 0.3
    for flag in (
        "is_party_member",
        "is_veteran_party_member",
        "is_cppcc_member",
        "is_legal_adviser",
        "is_grid_worker",
        "is_expert",
        "is_village_cadre",
    ):
        assert Agent.objects.filter(**{flag: True}).exists(), flag
    assert set(Agent.objects.values_list("deputy_level", flat=True).distinct()) >= {
        DeputyLevel.TOWNSHIP,
        DeputyLevel.COUNTY,
        DeputyLevel.NONE,
    }


def test_paths_are_consistent_although_bulk_created(loaded: None) -> None:
    below_city = Region.objects.exclude(level=Level.CITY)
    assert not below_city.exclude(path=Concat(F("parent__path"), F("code"), Value("/"))).exists()
    for model in (ServiceOrganization, Agent, ResponsibleUnit):
        assert not model.objects.exclude(region_path=F("region__path")).exists(), model.__name__
    assert not Agent.objects.exclude(region=F("organization__region")).exists()
    assert not User.objects.exclude(region_path=F("region__path")).exists()


def test_codes_follow_the_statistical_scheme(loaded: None) -> None:
    for region in Region.objects.filter(level__gte=Level.TOWNSHIP).select_related("parent"):
        assert len(region.code) == 12 and region.code.isdigit(), region.code
        if region.level == Level.TOWNSHIP:
            assert region.code.endswith("000")
        else:
            assert region.code[:9] == region.parent.code[:9] and region.code[9:] != "000"  # type: ignore[union-attr]
    assert Region.objects.filter(level=Level.COUNTY).count() == 10


def test_the_real_places_of_the_report_are_kept(loaded: None) -> None:
    def parent_code(code: str) -> str:
        return Region.objects.get(code=code).parent.code  # type: ignore[union-attr]

    hulunlu = Region.objects.get(code="150102401000")
    assert (hulunlu.name, parent_code(hulunlu.code)) == ("呼伦路街道", "150102")
    assert Region.objects.get(code="150102007000").name == "迎新路街道"
    shaerqin = Region.objects.get(code="150121105000")
    # Statistically in 土默特左旗, but administered by (and counted under) the development zone.
    assert (shaerqin.name, parent_code(shaerqin.code)) == ("沙尔沁镇", "150172")
    suyala = Region.objects.get(name="苏雅拉社区")
    assert (parent_code(suyala.code), suyala.is_demo) == ("150102401000", False)
    zhongtan = Region.objects.get(name="中滩社区")
    assert (parent_code(zhongtan.code), zhongtan.is_demo) == ("150122100000", False)
    assert Region.objects.get(code="150122100000").name == "双河镇"
    assert Region.objects.filter(parent__code="150102003000", name__endswith="社区").exists()  # 中山路办事处
    assert ServiceOrganization.objects.get(region=hulunlu).name == "呼伦路区域服务中心信访代办服务站"
    assert ServiceOrganization.objects.filter(region=suyala, name="苏雅拉社区信访代办点").exists()
    assert ServiceOrganization.objects.get(region__code="150102").name == "新城区信访代办服务中心"
    assert Region.objects.filter(level=Level.VILLAGE, is_demo=False).count() == 2


def test_responsible_units_in_every_county_report_to_the_city(loaded: None) -> None:
    city = Region.objects.get(level=Level.CITY)
    for county in Region.objects.filter(level=Level.COUNTY):
        units = ResponsibleUnit.objects.filter(region=county)
        assert units.count() >= 13, county.name
        for unit in units.select_related("superior"):
            assert unit.superior is not None and unit.superior.region_id == city.pk, unit.name
            assert unit.superior.domain == unit.domain
    court = ResponsibleUnit.objects.select_related("superior").get(name="新城区人民法院")
    assert court.domain == UnitDomain.COURT
    assert court.superior is not None and court.superior.name == "呼和浩特市中级人民法院"
    assert (
        ResponsibleUnit.objects.get(name="新城区住房和城乡建设局").superior.name
        == "呼和浩特市住房和城乡建设局"
    )  # type: ignore[union-attr]
    assert ResponsibleUnit.objects.filter(region=city, superior__isnull=True).count() >= 13


def test_every_township_with_a_station_has_its_own_units_under_the_county(loaded: None) -> None:
    # What a street (街道) and a rural town (乡镇) have; each unit's superior (复查) is its county's unit of
    # the same domain. Written out here rather than read from the data file, to check the loader.
    urban = {"司法所", "派出所", "综治中心", "劳动保障事务所", "社会事务办公室"}
    rural = {"司法所", "派出所", "综治中心", "农业农村办公室", "村镇建设办公室"}
    stations = ServiceOrganization.objects.filter(kind=OrgKind.STATION).select_related("region__parent")
    assert stations.count() == 87
    for station in stations:
        town = station.region
        units = list(ResponsibleUnit.objects.filter(region=town).select_related("superior__region"))
        suffixes = {u.name.removeprefix(town.name) for u in units}
        # Rural: towns, townships, 苏木 and the wetland reserve; urban: streets, urban centres and parks.
        assert suffixes == (rural if town.name.endswith(("镇", "乡", "苏木", "管护中心")) else urban), (
            town.name
        )
        for unit in units:
            assert unit.name.startswith(town.name), unit.name
            assert unit.superior is not None, unit.name
            assert (unit.superior.region, unit.superior.domain) == (town.parent, unit.domain), unit.name
    # Townships without a station have no units: nobody there could route to them.
    stationed = stations.values("region")
    township_units = ResponsibleUnit.objects.filter(region__level=Level.TOWNSHIP)
    assert not township_units.exclude(region__in=stationed).exists()
    assert township_units.count() == 87 * 5
    sifasuo = ResponsibleUnit.objects.select_related("superior").get(name="呼伦路街道司法所")
    assert sifasuo.domain == UnitDomain.JUSTICE
    assert sifasuo.superior is not None and sifasuo.superior.name == "新城区司法局"
    police = ResponsibleUnit.objects.select_related("superior").get(name="双河镇派出所")
    assert police.superior is not None and police.superior.name == "托克托县公安局"
    assert ResponsibleUnit.objects.get(name="双河镇农业农村办公室").superior.name == "托克托县农牧局"  # type: ignore[union-attr]
    assert ResponsibleUnit.objects.get(name="呼伦路街道派出所").superior.name == "呼和浩特市公安局新城区分局"  # type: ignore[union-attr]
    assert ResponsibleUnit.objects.get(name="新城区综治中心").superior.name == "呼和浩特市综治中心"  # type: ignore[union-attr]


def test_demo_accounts_cover_every_role_and_are_valid(loaded: None) -> None:
    users = {u.username: u for u in User.objects.select_related("region", "unit")}
    assert set(users) == {a.username for a in DEMO_ACCOUNTS}
    assert {u.role for u in users.values()} == set(Role.values)
    assert {u.username for u in users.values() if u.is_staff} == {
        "shi_admin",
        "xinchengqu_zhongxin",
        "tuoxian_zhongxin",
        "shi_xitong",  # 系统管理员 and 安全管理员 use the console; the 审计管理员 never does (三员分立)
        "shi_anquan",
    }
    assert not any(u.is_superuser for u in users.values())
    assert users["suyala_daiban"].region.name == "苏雅拉社区"  # type: ignore[union-attr]
    assert users["xinchengqu_zhujian"].unit.name == "新城区住房和城乡建设局"  # type: ignore[union-attr]
    assert users["shi_zhujian"].unit.region.level == Level.CITY  # type: ignore[union-attr]
    # A township unit's handler sits at the township, the unit's region.
    sifasuo = users["hulunlu_sifasuo"]
    assert sifasuo.unit.name == "呼伦路街道司法所"  # type: ignore[union-attr]
    assert sifasuo.region_id == sifasuo.unit.region_id and sifasuo.region.level == Level.TOWNSHIP  # type: ignore[union-attr]
    for user in users.values():
        user.full_clean()
        assert user.display_name and "（" in user.display_name
        if user.role in AGENT_ROLES:
            agent = Agent.objects.get(user=user)
            assert agent.region_id == user.region_id
            assert user.display_name.startswith(agent.name)
    assert users["shi_admin"].check_password(DEMO_PASSWORD)


def test_loading_is_idempotent(loaded: None) -> None:
    before = network_fingerprint()
    assert load_demo_network() is None
    out = StringIO()
    call_command("load_demo_network", stdout=out)
    assert "未载入" in out.getvalue()
    assert network_fingerprint() == before


def test_two_loads_into_fresh_databases_are_identical(db: None) -> None:
    fingerprints = []
    for _ in range(2):
        with transaction.atomic():
            assert not Region.objects.exists()
            load_demo_network()
            fingerprints.append(network_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert build_plan() == build_plan()


def test_loading_uses_bulk_inserts(db: None, django_assert_max_num_queries: Any) -> None:
    # Five thousand agents one by one would be thousands of queries; in bulk it is a few hundred at most.
    with django_assert_max_num_queries(400):
        load_demo_network()


def test_command_prints_a_summary(db: None) -> None:
    out = StringIO()
    call_command("load_demo_network", stdout=out)
    text = out.getvalue()
    assert "已载入演示网络" in text
    assert "回民区" in text and "1180" in text
    assert "demo_logins" in text


def test_demo_accounts_sign_in_without_being_sent_to_change_the_shared_password(
    loaded: None, settings: Any
) -> None:
    # The production default (a 90-day password age) must not send a visitor of a freshly loaded demo to the
    # change page, where the first one would change the published password for everyone.
    from django.test import Client

    from daiban.accounts.security import password_expired
    from daiban.demo.accounts import DEMO_PASSWORD

    settings.DAIBAN_PASSWORD_MAX_AGE_DAYS = 90
    assert not any(password_expired(user) for user in User.objects.all())
    client = Client()
    username = User.objects.filter(role=Role.VILLAGE_AGENT).values_list("username", flat=True).first()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
