"""The lookup's pages in the fuzz test (tests/test_fuzz_inputs.py counts these ROUTES): hostile values in
every field, query and path parameter, never a 500 — without a lookup in the session (as the site-wide
machinery sends them) and, below, with one: the rating form and the result page of a replied matter."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.portal.tests.lookup.helpers import looked_up
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import (
    FUZZ,
    OTHER,
    Field,
    PageForm,
    Route,
    World,
    _check,
    _send,
    baseline,
    fuzzed,
    query,
    sweep,
    world,  # noqa: F401  (the fixture)
)

ROUTES: dict[str, Route] = {
    # Filled as a person would ("测试内容" for both): a wrong pair.
    "portal:lookup": Route(
        lambda w, p: "/lookup/", "post", personas=("anonymous", "village_agent"), filled_status=400
    ),
    "portal:lookup_result": Route(lambda w, p: "/lookup/matter/", personas=("anonymous", "county_staff")),
    "portal:lookup_leave": Route(
        lambda w, p: "/lookup/leave/", "post", personas=("anonymous",), fields=("next",)
    ),
    "portal:lookup_document": Route(
        lambda w, p: f"/lookup/documents/{p.get('pk', '1')}/",
        personas=("anonymous", "county_staff"),
        path_params={"pk": "int"},
    ),
    "portal:rate": Route(
        lambda w, p: "/lookup/rate/",
        "post",
        personas=("anonymous",),
        fields=("service", "unit", "comment", "reply"),
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    fuzz_route(ROUTES, route, world)


def _looked_up_client(w: World) -> Client:
    flow = Flow(w.tree, w.personas, start=w.flow.now)
    m = flow.replied(**OTHER)
    w.flow.now = flow.now
    return looked_up(m)


def test_hostile_ratings_of_a_looked_up_matter_are_never_a_server_error(world: World) -> None:  # noqa: F811
    client = _looked_up_client(world)
    form = PageForm(
        "post",
        {
            "service": Field("service", "radio", "satisfied", ["satisfied", "basically", "dissatisfied"]),
            "unit": Field("unit", "radio", "satisfied", ["satisfied", "basically", "dissatisfied"]),
            "comment": Field("comment", "textarea"),
            "reply": Field("reply", "hidden"),
        },
    )
    with clock.frozen(world.flow.now):
        token = client.get("/lookup/matter/").context["form"].initial["reply"]
    filled = {**baseline(form, world.today), "reply": token, "comment": "很好"}
    ok = _send(client, world, "post", "/lookup/rate/", filled, {})
    assert ok.status_code == 303, ok.status_code  # rolled back: the matter stays unrated
    sweep(client, world, "post", "/lookup/rate/", form, filled, "rate with a lookup")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        body = data.draw(fuzzed(form, filled), label="form")
        params = data.draw(query(["reply"]), label="query")
        response = _send(client, world, "post", "/lookup/rate/", body, params)
        _check(response, "POST /lookup/rate/ with a lookup")
        page = _send(client, world, "get", "/lookup/matter/", {}, params)
        _check(page, "GET /lookup/matter/ with a lookup")

    run()
