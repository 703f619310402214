"""Hostile input never ends in a server error.

For every URL pattern of the site (walked like tests/test_url_permissions.py does), every action of the
workflow registry and the list and add pages of every model in the staff console, Hypothesis sends
generated values — NUL and other control characters, Unicode digits
(², ١, ①), huge and negative numbers, dates such as 9999-12-31, very long text, nothing at all — to the
page's form fields (found in the page as it is rendered for GET) and to its query parameters and path
parameters, as a few personas. No answer may be a 500, and no page may balloon (a request must not make
the server render megabytes).

Most of each request is the form as a person would fill it, with one to three fields replaced by a
generated value, so that the hostile value reaches the code behind the form's first checks. Each example
runs in a transaction that is rolled back, so an action that succeeds does not use up the state the next
example needs. Besides the generated examples, each class of value that broke a page before (KNOWN) is
put into every field of every form once, so those never depend on luck.

Bounded for the suite (well under a minute); search harder with DAIBAN_FUZZ_EXAMPLES=500.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.assistance.tests import helpers as assistance_helpers
from daiban.core import clock
from daiban.matters import actions, workflow
from daiban.matters.actions import PetitionerInput, attachments_add
from daiban.matters.listing import MatterFilterForm
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, id_with_check
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.repeats.tests import helpers as repeat_helpers
from daiban.urgent.tests import helpers as urgent_helpers
from tests.app_cases import case_names
from tests.test_url_permissions import _route_names

# A page larger than this was made to order by its request (an intake form asked for a million rows).
MAX_PAGE_BYTES = 1_000_000

FUZZ = settings(
    # Bounded for the suite; raise it to search harder: DAIBAN_FUZZ_EXAMPLES=500 pytest tests/test_fuzz_inputs.py
    max_examples=int(os.environ.get("DAIBAN_FUZZ_EXAMPLES", "10")),
    deadline=None,
    database=None,  # nothing written into the checkout; a failure prints its reproducing example
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# ------------------------------------------------------------------------------------------------ values

SPECIAL = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "²",
    "¹²",
    "١٢٣",  # Arabic-Indic digits
    "①",
    "𝟗",
    "Ⅻ",
    "٣.٥",
    "1e309",
    "nan",
    "-inf",
    "0x1F",
    "9" * 25,
    "-" + "9" * 25,
    str(2**63),
    str(2**31),
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "2026-06-01T25:61",
    "12/31/9999",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u202e",
    "\ufeff",
    "'\"<>&;--",
    "%00",
    "../../etc/passwd",
    "😀" * 10,
    "a" * 5_000,
    "测" * 20_000,
]

# The classes that broke pages before (issue 8): a NUL byte, a Unicode digit where a number is parsed, a
# number no database column holds, a date at the end of the calendar, a page-sized text. Every field of
# every form gets those that fit its kind once (``sweep``); the generated examples draw them more often
# than the rest, in any field.
NUL, DIGIT, HUGE, LAST_DAY, PAGE = "a\x00b", "²", "9" * 25, "9999-12-31", "测" * 20_000
KNOWN = [NUL, DIGIT, HUGE, LAST_DAY, PAGE]
KNOWN_FOR_KIND = {
    "text": [PAGE],
    "textarea": [PAGE],
    "search": [PAGE],
    "tel": [PAGE, DIGIT],
    "password": [PAGE],
    "date": [LAST_DAY, DIGIT],
    "number": [DIGIT, HUGE],
    "hidden": [DIGIT, HUGE],
    "select": [DIGIT, HUGE],
    "checkbox": [DIGIT, HUGE],
    "radio": [DIGIT, HUGE],
}

hostile = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(datetime.date.isoformat),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
    st.text(st.characters(categories=["Cc", "Cf", "Zs"]), min_size=1, max_size=6),
)


# --------------------------------------------------------------------------------- the forms of a page


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea" or "button"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page that post to the page itself (not the logout form in the header)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = PageForm(method=a.get("method", "get").lower())
            if not a.get("action"):
                self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            known = self._form.fields.get(name)
            if known is not None and kind in ("checkbox", "radio"):
                known.options.append(a.get("value", "on"))
            else:
                value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
                self._form.fields[name] = Field(
                    name, kind, value, [value] if kind in ("checkbox", "radio") else []
                )
        elif tag == "select":
            self._select = self._form.fields[name] = Field(name, "select")
        elif tag == "textarea":
            self._textarea = self._form.fields[name] = Field(name, "textarea")
        elif tag == "button":
            self._form.fields[name] = Field(name, "button", a.get("value", "1"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def page_forms(html: str) -> list[PageForm]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def baseline(form: PageForm, today: datetime.date) -> dict[str, str]:
    """What a person would send: the form's own values, a choice made, some text typed."""
    data: dict[str, str] = {}
    for f in form.fields.values():
        if f.kind in ("file", "submit", "button"):
            continue  # buttons are sent only sometimes (see ``fuzzed``)
        if f.kind == "select":
            choices = [o for o in f.options if o]
            data[f.name] = choices[0] if choices else ""
        elif f.kind in ("checkbox", "radio"):
            data[f.name] = f.options[0] if f.options else "on"
        elif f.kind == "date":
            data[f.name] = today.isoformat()
        elif f.kind == "number":
            data[f.name] = "1"
        elif f.kind == "hidden" or f.value.strip():
            data[f.name] = f.value
        elif f.name.endswith("id_number"):
            data[f.name] = ""
        elif f.name.endswith(("phone", "term")):
            data[f.name] = "13912345678"
        else:
            data[f.name] = "测试内容"
    return data


@st.composite
def fuzzed(draw: st.DrawFn, form: PageForm | None, filled: dict[str, Any]) -> dict[str, Any]:
    """The form as filled in, with some fields replaced by hostile values, some left out, a button pressed
    or a field the page never had added."""
    data: dict[str, Any] = dict(filled)
    names = sorted(form.fields) if form else []
    if names:
        for name in draw(st.sets(st.sampled_from(names), min_size=1, max_size=3)):
            data[name] = draw(hostile)
        for name in draw(st.sets(st.sampled_from(names), max_size=1)):
            data.pop(name, None)
        multi = [n for n in names if len(form.fields[n].options) > 1] if form else []
        if multi and draw(st.booleans()):
            name = draw(st.sampled_from(multi))
            data[name] = [draw(hostile), *form.fields[name].options[:2]]  # type: ignore[union-attr]
    if draw(st.integers(0, 4)) == 0:
        data[draw(st.sampled_from(["extra", "version", "task", "p-TOTAL_FORMS", "add_person"]))] = draw(
            hostile
        )
    return data


COMMON_QUERY = ["q", "after", "task", "order", "next", "page", "date_from", "region", "queue"]


@st.composite
def query(draw: st.DrawFn, names: list[str]) -> dict[str, str]:
    keys = draw(st.sets(st.sampled_from(sorted({*names, *COMMON_QUERY})), max_size=3))
    return {k: draw(hostile) for k in keys}


# ------------------------------------------------------------------------------------------------ world


@dataclass
class World:
    flow: Flow
    tree: Tree
    personas: Personas
    people: dict[str, User]
    matter: Matter  # routed to 新城区住建局, with one attachment

    @property
    def today(self) -> datetime.date:
        return self.flow.today


def _more_people(tree: Tree) -> dict[str, User]:
    """Beyond the shared personas: a co-unit handler, a second village agent (a recusal's replacement),
    and the review organs of 新城区住建局 (the city's 住建局 for 复查, the city government for 复核)."""
    city_gov = ResponsibleUnit.objects.create(
        region=tree.city, name="呼和浩特市人民政府", domain=UnitDomain.OTHER
    )
    tree.unit_housing_city.superior = city_gov
    tree.unit_housing_city.save()
    return {
        "hr_handler": make_user("hr_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_hr_a),
        "village_agent_2": make_user("village_agent_2", Role.VILLAGE_AGENT, tree.village_a1x),
        "city_housing_handler": make_user(
            "city_housing_handler", Role.UNIT_HANDLER, tree.city, unit=tree.unit_housing_city
        ),
        "city_gov_handler": make_user("city_gov_handler", Role.UNIT_HANDLER, tree.city, unit=city_gov),
    }


@pytest.fixture
def world(tree: Tree, personas: Personas) -> World:
    people = {**personas.all(), **_more_people(tree)}
    flow = Flow(tree, personas)
    m = flow.routed()
    flow.call(
        attachments_add,
        actor=personas.county_staff,
        matter_id=m.pk,
        files=[
            SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
        ],
    )
    return World(flow=flow, tree=tree, personas=personas, people=people, matter=Flow.fresh(m))


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def _send(client: Client, w: World, method: str, url: str, data: Any, params: dict[str, str]) -> HttpResponse:
    """One request on the world's clock, rolled back afterwards."""
    with transaction.atomic(), clock.frozen(w.flow.now):
        if method == "post":
            sep = "&" if "?" in url else "?"
            suffix = sep + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())
            response = client.post(url + (suffix if params else ""), data)
        else:
            response = client.get(url, {**data, **params})
        if response.streaming:
            # A streamed body (the CSV export, a file) is produced while it is read: read it here.
            response.content_read = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        transaction.set_rollback(True)
    return response


def _check(response: HttpResponse, what: str, max_bytes: int | None = MAX_PAGE_BYTES) -> None:
    exc = getattr(response, "exc_info", None)
    assert response.status_code != 500, f"{what}: {exc[1]!r}" if exc else what
    body = response.content_read if response.streaming else response.content  # type: ignore[attr-defined]
    if max_bytes is not None and response.get("Content-Type", "").startswith("text/html"):
        assert len(body) <= max_bytes, f"{what}: a page of {len(body)} bytes"


def sweep(
    client: Client,
    w: World,
    method: str,
    url: str,
    form: PageForm | None,
    filled: dict[str, Any],
    what: str,
    max_bytes: int | None = MAX_PAGE_BYTES,
) -> None:
    """Each known-bad value that fits a field's kind, in each field in turn, the others as filled in (a NUL
    byte in every field: refused before any view runs, so cheap); all failures at once."""
    failures = []
    fields = form.fields if form else {}
    names = {*filled, *fields} - {"csrfmiddlewaretoken"}
    for name in sorted(names):
        kind = fields[name].kind if name in fields else ""
        for value in [NUL, *KNOWN_FOR_KIND.get(kind, KNOWN[1:])]:
            response = _send(client, w, method, url, {**filled, name: value}, {})
            try:
                _check(response, f"{name}={value[:12]!r}", max_bytes)
            except AssertionError as exc:
                failures.append(str(exc).splitlines()[0])
    assert not failures, f"{what}:\n" + "\n".join(failures)


def _form_of(client: Client, w: World, url: str, method: str) -> PageForm | None:
    with clock.frozen(w.flow.now):
        response = client.get(url)
    if response.status_code != 200 or response.streaming:
        return None
    forms = [f for f in page_forms(response.content.decode()) if f.method == method]
    if not forms:
        return None
    merged = PageForm(method=method)
    for f in forms:
        merged.fields.update(f.fields)
    return merged


# --------------------------------------------------------------------------------------- every route


@dataclass
class Route:
    """How to reach one URL pattern: its path (given the world and drawn path parameters), the method of
    its form, the personas to try, and the fields of a page that has no GET form to read them from."""

    path: Callable[[World, dict[str, str]], str]
    method: str = "get"
    personas: tuple[str, ...] = ("village_agent", "county_staff", "unit_handler")
    fields: tuple[str, ...] = ()
    path_params: dict[str, str] = field(default_factory=dict)  # name -> "int" or "str"
    filled_status: int | None = None  # what the first persona gets for the form filled in as a person would


def _m(w: World) -> Matter:
    return w.matter


ROUTES: dict[str, Route] = {
    "home": Route(lambda w, p: "/"),
    "healthz": Route(lambda w, p: "/healthz", personas=("anonymous",)),
    "login": Route(lambda w, p: "/login/", "post", personas=("anonymous", "village_agent")),
    "logout": Route(lambda w, p: "/logout/", "post", fields=("next",)),
    "network_overview": Route(
        lambda w, p: "/network/", personas=("village_agent", "county_staff", "city_admin")
    ),
    "network_region": Route(
        lambda w, p: f"/network/region/{p.get('code', w.tree.town_a1.code)}/",
        personas=("county_staff", "city_admin"),
        path_params={"code": "str"},
    ),
    "matter_list": Route(
        lambda w, p: "/matters/",
        personas=("county_staff", "village_agent", "unit_handler", "city_admin"),
        filled_status=200,
    ),
    "matter_export": Route(
        lambda w, p: "/matters/export.csv",
        fields=tuple(f for f in MatterFilterForm.base_fields),
    ),
    "matter_intake": Route(
        lambda w, p: "/matters/new/",
        "post",
        personas=("village_agent", "county_staff", "leader"),
        filled_status=302,
    ),
    "petitioner_lookup": Route(
        lambda w, p: "/matters/lookup/",
        "post",
        personas=("village_agent", "county_staff"),
        fields=("term", "p-0-id_number", "p-0-phone", "p-1-phone"),
    ),
    "matter_detail": Route(lambda w, p: f"/matters/{p.get('pk', _m(w).pk)}/", path_params={"pk": "int"}),
    # matter_action: every registered action has its own case below (ACTION_CASES).
    "matter_reveal": Route(
        lambda w, p: (
            f"/matters/{p.get('pk', _m(w).pk)}/petitioners/"
            f"{p.get('link', _m(w).petitioner_links.get().pk)}/reveal/{p.get('field', 'phone')}/"
        ),
        "post",
        personas=("village_agent", "county_staff"),
        path_params={"pk": "int", "link": "int", "field": "slug"},
    ),
    "matter_attachment": Route(
        lambda w, p: (
            f"/matters/{p.get('pk', _m(w).pk)}/attachments/{p.get('att', _m(w).attachments.get().pk)}/"
        ),
        path_params={"pk": "int", "att": "int"},
    ),
    "petitioner_search": Route(
        lambda w, p: "/petitioners/", "post", personas=("village_agent", "county_staff"), filled_status=200
    ),
    "petitioner_detail": Route(
        lambda w, p: f"/petitioners/{p.get('pk', _m(w).petitioners.get().pk)}/", path_params={"pk": "int"}
    ),
}


def _path_value(kind: str) -> st.SearchStrategy[str]:
    if kind == "int":
        return st.one_of(st.integers(0, 10**30), st.sampled_from([0, 2**63, 2**63 - 1, 10**40])).map(str)
    text = st.one_of(hostile, st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z"))
    return text.map(lambda s: quote(s, safe="") or "x")


def test_every_route_has_a_fuzz_case() -> None:
    missing = _route_names() - set(ROUTES) - {"matter_action"} - case_names("test_fuzz_inputs", "ROUTES")
    assert not missing, f"routes without a case in ROUTES: {sorted(missing)}"


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_to_every_route_is_never_a_server_error(route: str, world: World) -> None:
    case = ROUTES[route]
    clients = {name: _client(None if name == "anonymous" else world.people[name]) for name in case.personas}
    url = case.path(world, {})
    # The fields of the form each persona is shown; for a page without one (POST-only, a file), the
    # fields it reads.
    given_fields = PageForm(case.method, {n: Field(n, "text") for n in case.fields}) if case.fields else None
    forms = {name: _form_of(c, world, url, case.method) or given_fields for name, c in clients.items()}
    query_names = [n for f in forms.values() if f and case.method == "get" for n in f.fields]
    first = case.personas[0]
    filled = baseline(forms[first], world.today) if forms[first] else {}  # type: ignore[arg-type]
    if case.filled_status is not None:
        response = _send(clients[first], world, case.method, url, filled, {})
        assert response.status_code == case.filled_status, (route, filled, response.context)
    sweep(clients[first], world, case.method, url, forms[first], filled, f"{route} as {first}")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(sorted(clients)), label="persona")
        params = {
            k: data.draw(_path_value(kind), label=f"path {k}")
            for k, kind in case.path_params.items()
            if data.draw(st.booleans(), label=f"fuzz path {k}")
        }
        target = case.path(world, params)
        form = forms[who]
        body = data.draw(fuzzed(form, baseline(form, world.today) if form else {}), label="form")
        params_q = data.draw(query(query_names), label="query")
        response = _send(clients[who], world, case.method, target, body, params_q)
        _check(response, f"{route} as {who}: {case.method.upper()} {target}")

    run()


# ---------------------------------------------------------------------------------- every action page


# Someone other than the world's petitioner (whose open matter would absorb a new intake as a repeat visit).
OTHER = {"petitioners": [PetitionerInput(name="李秀英", id_number=id_with_check("15010219750620002"))]}


def _objected(w: World) -> Matter:
    """The lead unit has objected; the centre that routed the matter decides."""
    m = w.flow.routed(**OTHER)
    lead = m.tasks.get(role="lead")
    w.flow.act_task(actions.task_object, w.people["unit_handler"], lead, reasons="不属本单位职责")
    return Flow.fresh(m)


def _co_accepted(w: World) -> Matter:
    m = w.flow.routed(co_units=[w.tree.unit_hr_a], **OTHER)
    w.flow.act_task(
        actions.task_accept, w.people["hr_handler"], m.tasks.get(role="co"), notice_method="phone"
    )
    w.flow.act_task(
        actions.task_accept, w.people["unit_handler"], m.tasks.get(role="lead"), notice_method="phone"
    )
    return Flow.fresh(m)


def _support_listed(w: World) -> Matter:
    """Replied 支持 by 新城区住建局, its items listed (daiban.execution)."""
    from daiban.execution.tests.helpers import list_items

    m = w.flow.replied(**OTHER)
    list_items(w.flow, m)
    return Flow.fresh(m)


# The state in which each action is offered, and to whom (checked below: a rule change that takes the
# action away from that state fails loudly here instead of fuzzing a 403).
STATES: dict[str, Callable[[World], Matter]] = {
    "at_village": lambda w: w.flow.at_village(**OTHER),
    "at_village_consultation": lambda w: w.flow.at_village(purpose="consultation", **OTHER),
    "at_county": lambda w: w.flow.at_county(**OTHER),
    "local": lambda w: w.flow.local(**OTHER),
    "routed": lambda w: w.flow.routed(**OTHER),
    "handling": lambda w: w.flow.handling(**OTHER),
    "co_accepted": _co_accepted,
    "objected": _objected,
    "replied": lambda w: w.flow.replied(**OTHER),
    "served": lambda w: w.flow.serve(w.flow.replied(**OTHER)),
    "fed_back": lambda w: w.flow.fed_back(**OTHER),
    "followed_up": lambda w: w.flow.followed_up(**OTHER),
    "in_review": lambda w: w.flow.in_review(**OTHER),
    "in_reexam": lambda w: w.flow.in_reexam(w.people["city_housing_handler"], **OTHER),
    "support_listed": _support_listed,
    # Accepted and left unanswered past its 60 days: a failure a superior may order corrected (责令改正).
    "handling_overdue": lambda w: (w.flow.handling(**OTHER), w.flow.later(days=75))[0],
    "urgent": lambda w: urgent_helpers.mark(w.flow, w.personas.county_staff, w.flow.at_village(**OTHER)),
    "assistance_ready": lambda w: assistance_helpers.ready(w.flow, **OTHER),
    "assistance_referred": lambda w: assistance_helpers.referred(w.flow, **OTHER),
    "accusation": lambda w: w.flow.at_county(purpose="accusation", **OTHER),
    "linked_repeat": lambda w: repeat_helpers.linked(w.flow),
}

ACTION_CASES: dict[str, tuple[str, str]] = {
    "route": ("at_county", "county_staff"),
    "start_local": ("at_village", "village_agent"),
    "reply_local": ("local", "village_agent"),
    "mediate": ("local", "village_agent"),
    "answer": ("at_village_consultation", "village_agent"),
    "escalate": ("at_village", "village_agent"),
    "hand_down": ("at_county", "county_staff"),
    "guide_legal": ("at_village", "village_agent"),
    "not_accept": ("at_village", "village_agent"),
    "accept": ("routed", "unit_handler"),
    "object": ("routed", "unit_handler"),
    "objection_agree": ("objected", "county_staff"),
    "objection_refuse": ("objected", "county_staff"),
    "submit_part": ("co_accepted", "hr_handler"),
    "extend": ("handling", "unit_handler"),
    "reply": ("handling", "unit_handler"),
    "hearing_record": ("in_reexam", "city_gov_handler"),
    "decide_review": ("in_review", "city_housing_handler"),
    "feedback": ("replied", "county_staff"),
    "follow_up": ("fed_back", "county_staff"),
    "close": ("followed_up", "county_staff"),
    "request_review": ("served", "county_staff"),
    "serve": ("replied", "county_staff"),
    "attach": ("handling", "unit_handler"),
    "assign_leaders": ("at_county", "county_staff"),
    "recuse": ("at_village", "village_agent"),
    "press": ("at_village", "county_staff"),
    "reissue_code": ("handling", "county_staff"),
    "support_items": ("replied", "unit_handler"),
    "execution": ("support_listed", "unit_handler"),
    "correction_order": ("handling_overdue", "county_staff"),
    "urgent_mark": ("at_village", "village_agent"),
    "urgent_downgrade": ("urgent", "county_staff"),
    "assistance_referral": ("assistance_ready", "village_agent"),
    "assistance_outcome": ("assistance_referred", "village_agent"),
    "cadre_notice": ("accusation", "supervisor"),
    "merge": ("linked_repeat", "village_agent"),
}


# Where the first choice of the page is not what a person would send (None: left out).
BASELINE_OVERRIDES: dict[str, dict[str, Any]] = {
    "route": {"co_units": None},  # the first co-unit offered is the lead unit itself
    # A file input has no value to copy: a photo as a person would choose it.
    "attach": {"uploads": SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)},
}


def test_every_action_has_a_fuzz_case() -> None:
    assert set(ACTION_CASES) == {k for k, a in workflow.REGISTRY.items() if a.has_button}


@pytest.mark.parametrize("action", sorted(ACTION_CASES))
def test_hostile_input_to_every_action_is_never_a_server_error(action: str, world: World) -> None:
    state, actor_name = ACTION_CASES[action]
    m = STATES[state](world)
    actor = world.people[actor_name]
    spec = workflow.REGISTRY[action]
    with clock.frozen(world.flow.now):
        offers = [o for o in workflow.available(actor, Flow.fresh(m)) if o.key == action]
    assert offers, f"{action} is not offered to {actor_name} in state {state}: update ACTION_CASES"
    task = offers[0].task
    url = f"/matters/{m.pk}/act/{action}/" + (f"?task={task.pk}" if task else "")
    clients = {actor_name: _client(actor), "township_staff": _client(world.personas.township_staff)}
    form = _form_of(clients[actor_name], world, url, "post")
    assert form is not None and set(spec.form.base_fields) <= set(form.fields), (action, form)  # type: ignore[union-attr]
    # The form as a person fills it goes through, so a hostile value in one field meets the code behind
    # the other fields' checks.
    filled = {**baseline(form, world.today), **BASELINE_OVERRIDES.get(action, {})}
    filled = {k: v for k, v in filled.items() if v is not None}
    response = _send(clients[actor_name], world, "post", url, filled, {})
    assert response.status_code == 302, (action, filled, response.context and response.context["form"].errors)
    sweep(clients[actor_name], world, "post", url, form, filled, f"{action} as {actor_name}")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        who = data.draw(
            st.sampled_from([actor_name, actor_name, actor_name, "township_staff"]), label="persona"
        )
        body = data.draw(fuzzed(form, filled), label="form")
        if task is not None and "task" not in body:
            body["task"] = str(task.pk)
        params = data.draw(query(["task"]), label="query")
        target = url if "task" not in params else f"/matters/{m.pk}/act/{action}/"
        response = _send(clients[who], world, "post", target, body, params)
        _check(response, f"{action} as {who}: POST {target}")

    run()


# ------------------------------------------------------------------------------ the inputs of issue 8


def _intake_form(w: World, **changes: str) -> dict[str, str]:
    client = _client(w.personas.village_agent)
    form = _form_of(client, w, "/matters/new/", "post")
    assert form is not None
    return {**baseline(form, w.today), **changes}


def test_the_hostile_inputs_of_issue_8_are_answered_plainly(world: World) -> None:
    """Item 15 and 16: each was a 500 (or a 2 MB page); each is now a 4xx page in Chinese or the form again."""
    w, p = world, world.personas
    agent, county = _client(p.village_agent), _client(p.county_staff)
    task = w.matter.tasks.get()
    cases: list[tuple[Client, str, str, Any]] = [
        (county, "get", f"/matters/{w.matter.pk}/act/accept/?task=²", {}),
        (
            _client(p.unit_handler),
            "post",
            f"/matters/{w.matter.pk}/act/accept/",
            {"task": "²", "version": "1"},
        ),
        (county, "get", "/network/region/150102%00/", {}),
        (county, "get", "/matters/", {"q": "漏水\x00"}),
        (
            county,
            "post",
            f"/matters/{w.matter.pk}/act/press/",
            {"version": w.matter.version, "note": "请\x00尽快"},
        ),
        (agent, "post", "/matters/new/", _intake_form(w, **{"p-TOTAL_FORMS": "²", "add_person": "1"})),
        (agent, "post", "/matters/new/", _intake_form(w, **{"p-TOTAL_FORMS": "²"})),
        (agent, "post", "/matters/new/", _intake_form(w, **{"p-TOTAL_FORMS": "999999"})),
        (agent, "post", "/matters/new/", _intake_form(w, **{"p-TOTAL_FORMS": "999999", "add_person": "1"})),
        (agent, "post", "/matters/new/", _intake_form(w, **{"p-0-name": "王\x00"})),
        (agent, "post", "/petitioners/", {"name": "测" * 20_000}),
    ]
    for client, method, url, data in cases:
        response = _send(client, w, method, url, data, {})
        _check(response, f"{method.upper()} {url} {str(data)[:80]}")
        assert 200 <= response.status_code < 500, (url, data, response.status_code)
        if response.status_code == 400 and "\x00" in f"{url}{data}":
            assert "控制字符" in response.content.decode()
    assert task.pk  # the world's task exists (the ``task=²`` cases were about parsing, not absence)


def test_a_mediation_deadline_at_the_end_of_the_calendar_is_refused(world: World) -> None:
    m = STATES["local"](world)
    client = _client(world.personas.village_agent)
    url = f"/matters/{m.pk}/act/mediate/"
    form = _form_of(client, world, url, "post")
    assert form is not None
    for day in ("9999-12-31", "0001-01-01"):
        data = {**baseline(form, world.today), "performance_deadline": day, "signed": "on"}
        response = _send(client, world, "post", url, data, {})
        _check(response, f"mediate {day}")
        assert response.status_code == 400, day


# ------------------------------------------------------------------------------------- the staff console

# The admin pages (管理后台) are outside the resolver walk above (their routes are generated); each
# registered model gets its list (filters, search, sorting, pages from generated parameters) and its add
# form, as a city and a county administrator. The page-size bound does not apply: Django's admin caps an
# inline formset at 1,000 extra rows itself (a forged days-TOTAL_FORMS renders about 2.5 MB once), and
# only administrators reach these pages.
ADMIN_PERSONAS = ("city_admin", "county_staff")
FUZZ_CONSOLE = settings(FUZZ, max_examples=max(3, FUZZ.max_examples // 2))


def _admin_pages() -> list[str]:
    return sorted(f"{m._meta.app_label}_{m._meta.model_name}" for m in django_admin.site._registry)


def _query_names(html: str) -> list[str]:
    """The parameters the page's own links use (the changelist's filters, sorting and pages)."""
    names: set[str] = set()
    for href in re.findall(r'href="\?([^"]*)"', html):
        names |= {k for k, _ in parse_qsl(unescape(href), keep_blank_values=True)}
    return sorted(names)


@pytest.mark.parametrize("page", _admin_pages())
def test_hostile_input_to_every_console_page_is_never_a_server_error(page: str, world: World) -> None:
    clients = {name: _client(world.people[name]) for name in ADMIN_PERSONAS}
    changelist = reverse(f"admin:{page}_changelist")
    try:
        add: str | None = reverse(f"admin:{page}_add")
    except NoReverseMatch:
        add = None
    with clock.frozen(world.flow.now):
        listed = clients["city_admin"].get(changelist)
    query_names = [*_query_names(listed.content.decode()), "q", "o", "p", "all", "_facets", "e"]
    form = _form_of(clients["city_admin"], world, add, "post") if add else None
    filled = baseline(form, world.today) if form else {}
    if add and form:
        sweep(clients["city_admin"], world, "post", add, form, filled, f"{page} add as city_admin", None)

    @FUZZ_CONSOLE
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(ADMIN_PERSONAS), label="persona")
        params = data.draw(query(query_names), label="query")
        response = _send(clients[who], world, "get", changelist, {}, params)
        _check(response, f"{page} changelist as {who}: {params}", None)
        if add and form:
            body = data.draw(fuzzed(form, filled), label="form")
            response = _send(clients[who], world, "post", add, body, {})
            _check(response, f"{page} add as {who}", None)

    run()
