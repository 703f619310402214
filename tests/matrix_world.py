"""The world of the security matrix (tests/test_security_matrix.py): every permission case's world, built
twice — once in 新城区 by the usual personas ("A") and once, mirrored, in 托克托县 by their 托克托县 twins
("B") — so that each route's own-object URL and foreign-object URL come from the same URL builder.

The URL builders are the permission cases' own (``CASES`` of tests/test_url_permissions.py and of every
``daiban/<app>/tests/**/test_url_permissions.py``): each module's world fixture is called once with the
real tree and personas and once with the mirrored ones. ``SOURCES`` says how to build the world of each
module; a module that is missing there cannot give a URL with path arguments, and the matrix fails naming
it. ``OVERRIDES`` replaces the few builders that name a persona by username (their object would be the
same in both worlds).

The B world's petitioners get their own name, ID number and phone (``王建国`` → ``乔卫东``), and its
matters their own content, so that a page can be searched for the other side's people.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from unittest import mock

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role, User, UserSession
from daiban.core import clock
from daiban.matters import actions as matter_actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_PHONE, id_with_check
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.notify import services as notify_services
from daiban.notify.models import Message
from daiban.regions.models import Region
from tests.app_cases import ROOT
from tests.test_url_permissions import CASES as SITE_CASES
from tests.test_url_permissions import Case

A_NAME, B_NAME = "王建国", "乔卫东"
A_CONTENT, B_CONTENT = "楼道管线未恢复", "河堤护坡坍塌未修复"
B_PHONE = "13904719876"

# Personas of the matrix beyond conftest's: the three separated administrator duties (三员分立) of 新城区,
# and the 托克托县 twins the mirrored world needs (its township station, leader and supervisor).
EXTRA_A = {
    "system_admin": (Role.SYSTEM_ADMIN, True),
    "security_admin": (Role.SECURITY_ADMIN, True),
    "audit_admin": (Role.AUDIT_ADMIN, False),
}
EXTRA_B = ("township_staff_b", "leader_b", "supervisor_b")

# Whose jurisdiction is 新城区 ("A"), 托克托县 ("B"), or the whole city ("city": both).
SIDE: dict[str, str] = {
    **dict.fromkeys(
        ("village_agent", "township_staff", "county_staff", "unit_handler", "leader", "supervisor"), "A"
    ),
    **dict.fromkeys(EXTRA_A, "A"),
    "city_admin": "city",
    **dict.fromkeys(("outsider", "outsider_village_agent", "outsider_unit_handler", *EXTRA_B), "B"),
}

# Routes whose object belongs to one user (the county staff of each world), not to a jurisdiction: every
# other persona, the city administrator included, is outside it.
OWNER_SCOPED = {
    "accounts:session_end",
    "message_open",
    "message_read",
    "exchange:export_job",
    "exchange:export_download",
    "exchange:import_run",
}


@dataclass
class Side:
    name: str  # "A" or "B"
    tree: Tree
    personas: Personas
    worlds: dict[str, Any] = field(default_factory=dict)


@dataclass
class Matrix:
    a: Side
    b: Side
    users: dict[str, User]  # every persona of the matrix by name
    markers: dict[str, tuple[str, ...]]  # side → what no one outside that side may read


# ----------------------------------------------------------------------------------------------- sources


def _fixture(module: str, name: str) -> Callable[[Tree, Personas], Any]:
    def build(tree: Tree, personas: Personas) -> Any:
        fn = getattr(import_module(module), name)
        return fn.__wrapped__(tree, personas)

    return build


def _ladder(tree: Tree, personas: Personas) -> Any:
    # Its helper signs up three extra users by fixed username: the mirrored world's get a suffix.
    helpers = import_module("daiban.supervision.tests.ladder.helpers")
    suffix = "" if personas.county_staff.username == "county_staff" else "_b"
    real = helpers.make_user
    with mock.patch.object(helpers, "make_user", lambda name, *a, **k: real(name + suffix, *a, **k)):
        return _fixture("daiban.supervision.tests.ladder.test_url_permissions", "world")(tree, personas)


def _requests(tree: Tree, personas: Personas) -> Any:
    mod = import_module("daiban.portal.tests.requests.test_url_permissions")
    helpers = import_module("daiban.portal.tests.requests.helpers")
    return mod.World(helpers.make_request(tree.village_a1x, photo=True))


def _directory(tree: Tree, personas: Personas) -> Any:
    return import_module("daiban.portal.tests.directory.helpers").build(tree, personas)


def _imports(tree: Tree, personas: Personas) -> Any:
    mod = import_module("daiban.exchange.tests.imports.test_url_permissions")
    return mod.RunWorld(mod._run(personas))


def _stats(tree: Tree, personas: Personas) -> Any:
    return import_module("daiban.stats.tests.test_url_permissions")._World(tree)


def _none(tree: Tree, personas: Personas) -> Any:
    return None


_P = "daiban.{}.tests.{}test_url_permissions"
# Module of CASES → how to build the world its URL builders take.
SOURCES: dict[str, Callable[[Tree, Personas], Any]] = {
    "tests.test_url_permissions": _fixture("tests.test_url_permissions", "world"),
    _P.format("accountability", ""): _fixture(_P.format("accountability", ""), "world"),
    _P.format("accounts", ""): _none,
    _P.format("annual", ""): _fixture(_P.format("annual", ""), "world"),
    _P.format("assistance", ""): _fixture(_P.format("assistance", ""), "world"),
    _P.format("audit", ""): _none,
    _P.format("cadres", ""): _fixture(_P.format("cadres", ""), "world"),
    _P.format("documents", ""): _fixture(_P.format("documents", ""), "world"),
    _P.format("exchange", "exports."): _fixture(_P.format("exchange", "exports."), "export_world"),
    _P.format("exchange", "imports."): _imports,
    _P.format("execution", ""): _fixture(_P.format("execution", ""), "world"),
    _P.format("hearings", ""): _fixture(_P.format("hearings", ""), "world"),
    _P.format("lifecycle", ""): _none,
    _P.format("mediation", ""): _fixture(_P.format("mediation", ""), "world"),
    _P.format("notify", ""): _none,
    _P.format("portal", ""): _none,
    _P.format("portal", "directory."): _directory,
    _P.format("portal", "lookup."): _fixture(_P.format("portal", "lookup."), "world"),
    _P.format("portal", "requests."): _requests,
    _P.format("prevention", ""): _none,
    _P.format("prevention", "alerts."): _fixture(_P.format("prevention", "alerts."), "world"),
    _P.format("prevention", "errands."): _fixture(_P.format("prevention", "errands."), "world"),
    _P.format("prevention", "screenings."): _fixture(_P.format("prevention", "screenings."), "world"),
    _P.format("prevention", "sessions."): _fixture(_P.format("prevention", "sessions."), "session"),
    _P.format("prevention", "visits."): _fixture(_P.format("prevention", "visits."), "world"),
    _P.format("repeats", ""): _fixture(_P.format("repeats", ""), "world"),
    _P.format("search", ""): _none,
    _P.format("stats", ""): _stats,
    _P.format("supervision", "consultations."): _fixture(_P.format("supervision", "consultations."), "world"),
    _P.format("supervision", "inspections."): _fixture(_P.format("supervision", "inspections."), "world"),
    _P.format("supervision", "ladder."): _ladder,
    _P.format("urgent", ""): _fixture(_P.format("urgent", ""), "world"),
}


def _county_staff_session(side: Side) -> str:
    row, _ = UserSession.objects.get_or_create(
        user=side.personas.county_staff,
        key_hash=("0" if side.name == "A" else "1") * 64,
        defaults={"created_at": clock.now(), "last_seen": clock.now()},
    )
    return f"/account/sessions/{row.pk}/end/"


def _county_staff_message(side: Side, suffix: str = "") -> str:
    user = side.personas.county_staff
    key = f"matrix-{side.name}"
    if not Message.objects.filter(recipient=user, key=key).exists():
        notify_services.notify(recipients=[user], kind="escalated", key=key, text="事项 X 已上报至本级。")
    return f"/messages/{Message.objects.get(recipient=user, key=key).pk}/{suffix}"


# Route → URL builder for the builders that name their persona by username.
OVERRIDES: dict[str, Callable[[Side], str]] = {
    "accounts:session_end": _county_staff_session,
    "message_open": _county_staff_message,
    "message_read": lambda side: _county_staff_message(side, "read/"),
}


@dataclass
class Route:
    name: str
    case: Case | None
    source: str | None  # the CASES module


def all_cases() -> dict[str, tuple[Case, str]]:
    """Every permission case by route, with the module that holds it."""
    found: dict[str, tuple[Case, str]] = {
        name: (case, "tests.test_url_permissions") for name, case in SITE_CASES.items()
    }
    for path in sorted((ROOT / "daiban").glob("*/tests/**/test_url_permissions.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name, case in getattr(import_module(module), "CASES", {}).items():
            found[name] = (case, module)
    return found


def url_for(route: str, side: Side) -> str:
    """The route's URL on ``side``'s objects; AssertionError naming what is missing if it has no builder."""
    if route in OVERRIDES:
        return OVERRIDES[route](side)
    cases = all_cases()
    if route not in cases:
        raise LookupError(route)
    case, module = cases[route]
    if module not in SOURCES:
        raise AssertionError(
            f"{route}: its permission case lives in {module}, which tests/matrix_world.py SOURCES does not "
            "know how to build a world for"
        )
    return case.url(side.worlds[module])


# -------------------------------------------------------------------------------------------- the mirror


def _mirror_tree(tree: Tree) -> Tree:
    town_b1_villages = list(Region.objects.filter(parent=tree.town_b1).order_by("code"))
    town_b2_villages = list(Region.objects.filter(parent=tree.town_b2).order_by("code"))

    def unit(name: str, domain: str) -> ResponsibleUnit:
        return ResponsibleUnit.objects.create(region=tree.county_b, name=name, domain=domain)

    return Tree(
        city=tree.city,
        county_a=tree.county_b,
        county_b=tree.county_a,
        town_a1=tree.town_b1,
        town_a2=tree.town_b2,
        town_b1=tree.town_a1,
        town_b2=tree.town_a2,
        village_a1x=tree.village_b1x,
        village_a1y=town_b1_villages[1],
        village_a2x=town_b2_villages[0],
        village_b1x=tree.village_a1x,
        unit_housing_a=tree.unit_housing_b,
        unit_hr_a=unit("托克托县人力资源和社会保障局", UnitDomain.HR_SOCIAL),
        unit_discipline_a=unit("托克托县纪委监委", UnitDomain.DISCIPLINE),
        unit_housing_b=tree.unit_housing_a,
        unit_housing_city=tree.unit_housing_city,
    )


def _mirror_personas(tree: Tree, p: Personas, extra: dict[str, User]) -> Personas:
    return Personas(
        village_agent=p.outsider_village_agent,
        township_staff=extra["township_staff_b"],
        county_staff=p.outsider,
        unit_handler=p.outsider_unit_handler,
        leader=extra["leader_b"],
        supervisor=extra["supervisor_b"],
        city_admin=p.city_admin,
        outsider=p.county_staff,
        outsider_village_agent=p.village_agent,
        outsider_unit_handler=p.unit_handler,
    )


@contextmanager
def _intakes(side: str) -> Iterator[None]:
    """Every world's matters are new matters (the worlds share one database: the same person taken in by
    another world's builder is not a repeat visit); on side B they are 托克托县's, with their own
    petitioner and content."""
    real = matter_actions.matter_intake

    def intake(**kwargs: Any) -> Any:
        if kwargs.get("repeat_of") is None:
            kwargs["new_matter"] = True
        if side == "A":
            return real(**kwargs)
        people = []
        for person in kwargs["petitioners"]:
            changes: dict[str, str] = {}
            if person.name == A_NAME:
                changes["name"] = B_NAME
            if person.id_number:
                changes["id_number"] = id_with_check("150122" + person.id_number[6:17])
            if person.phone == WANG_PHONE:
                changes["phone"] = B_PHONE
            people.append(dataclasses.replace(person, **changes))
        kwargs["petitioners"] = people
        kwargs["content"] = kwargs.get("content", "").replace(A_CONTENT, B_CONTENT)
        return real(**kwargs)

    with mock.patch.object(matter_actions, "matter_intake", intake):
        yield


def _markers(county: Region, other: Region, content: str) -> tuple[str, ...]:
    """Petitioner names of the county's matters that the other county's matters do not share."""

    def names(region: Region) -> set[str]:
        rows = Matter.objects.filter(region__path__startswith=region.path).values_list(
            "petitioner_links__petitioner__name", flat=True
        )
        return {n for n in rows if n}

    return (*sorted(names(county) - names(other)), content)


def build(tree: Tree, personas: Personas) -> Matrix:
    """Both worlds, every source built on each side (the ladder's scans, run by each side's build, also
    raise the other side's overdue matters: the two sides stay alike)."""
    users: dict[str, User] = dict(personas.all())
    for name, (role, staff) in EXTRA_A.items():
        users[name] = make_user(name, role, tree.county_a, is_staff=staff)
    users["township_staff_b"] = make_user("township_staff_b", Role.TOWNSHIP_STAFF, tree.town_b1)
    users["leader_b"] = make_user("leader_b", Role.LEADER, tree.county_b)
    users["supervisor_b"] = make_user("supervisor_b", Role.SUPERVISOR, tree.county_b)
    a = Side("A", tree, personas)
    mirrored = _mirror_tree(tree)
    b = Side("B", mirrored, _mirror_personas(mirrored, personas, users))
    for module, source in SOURCES.items():
        with _intakes("A"):
            a.worlds[module] = source(a.tree, a.personas)
        with _intakes("B"):
            b.worlds[module] = source(b.tree, b.personas)
    markers = {
        "A": _markers(tree.county_a, tree.county_b, A_CONTENT),
        "B": _markers(tree.county_b, tree.county_a, B_CONTENT),
    }
    assert A_NAME in markers["A"] and B_NAME in markers["B"], markers
    return Matrix(a=a, b=b, users=users, markers=markers)
