"""The ladder's pages in the fuzz test: hostile values in every field, query and path parameter; never a
500."""

from __future__ import annotations

import datetime

import pytest

from daiban.core import clock
from daiban.matters.models import Deadline
from daiban.matters.tests.factories import at
from daiban.supervision.actions.ladder import order_escalate, order_issue
from daiban.supervision.models import SupervisionOrder
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _listed(w: World) -> SupervisionOrder:
    """The world's matter overdue, ordered and listed (made once, outside each request's rollback)."""
    found = getattr(w, "_listed", None)
    if found is None:
        deadline = Deadline.objects.get(matter=w.matter, step="accept_notice")
        day = deadline.due_date + datetime.timedelta(days=1)
        with clock.frozen(at(day.year, day.month, day.day)):
            order = order_issue(deadline_id=deadline.pk)
        assert order is not None
        day = order.feedback_due + datetime.timedelta(days=1)
        with clock.frozen(at(day.year, day.month, day.day)):
            found = order_escalate(order_id=order.pk)
        w._listed = found  # type: ignore[attr-defined]
    assert found is not None
    return found


def _page(suffix: str) -> object:
    return lambda w, p: f"/supervision/orders/{p.get('pk', _listed(w).pk)}/{suffix}"


ROUTES: dict[str, Route] = {
    "supervision_list": Route(
        lambda w, p: (_listed(w), "/supervision/")[1], personas=("county_staff", "supervisor", "leader")
    ),
    "supervision_unit_list": Route(
        lambda w, p: (_listed(w), "/supervision/unit/")[1], personas=("unit_handler",)
    ),
    "order_detail": Route(
        _page(""),  # type: ignore[arg-type]
        personas=("unit_handler", "supervisor", "village_agent"),
        path_params={"pk": "int"},
    ),
    "order_feedback": Route(
        _page("feedback/"),  # type: ignore[arg-type]
        "post",
        personas=("unit_handler", "county_staff"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "order_discipline": Route(
        _page("discipline/"),  # type: ignore[arg-type]
        "post",
        personas=("supervisor", "unit_handler"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
    "order_close": Route(
        _page("close/"),  # type: ignore[arg-type]
        "post",
        personas=("supervisor", "leader"),
        path_params={"pk": "int"},
        filled_status=302,
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    import tests.test_fuzz_inputs as site
    from tests.test_fuzz_inputs import test_hostile_input_to_every_route_is_never_a_server_error as _run

    saved = site.ROUTES
    site.ROUTES = {**saved, route: ROUTES[route]}
    try:
        _run(route, world)
    finally:
        site.ROUTES = saved
