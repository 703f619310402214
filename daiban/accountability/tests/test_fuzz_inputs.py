"""The accountability pages in the fuzz test: hostile values in every field and path parameter, as those
who read them, those who order and the unit ordered; never a 500."""

from __future__ import annotations

import datetime

import pytest

from daiban.accountability.actions import correction_order
from daiban.accountability.models import CorrectionOrder, FailureKind
from daiban.prevention.tests.test_fuzz_inputs import fuzz_route
from tests.test_fuzz_inputs import Route, World, world  # noqa: F401  (the fixture)


def _order(w: World) -> int:
    return CorrectionOrder.objects.filter(matter_id=w.matter.pk).values_list("pk", flat=True).first() or 1


ROUTES: dict[str, Route] = {
    "accountability:accountability": Route(
        lambda w, p: "/accountability/",
        personas=("county_staff", "township_staff", "city_admin"),
        fields=("region", "year"),
    ),
    "accountability:failure_list": Route(
        lambda w, p: f"/accountability/failures/{p.get('kind', 'not_accepted')}/",
        personas=("county_staff", "township_staff", "city_admin"),
        fields=("region", "year", "page"),
        path_params={"kind": "str"},
    ),
    "accountability:correction_orders": Route(
        lambda w, p: "/accountability/orders/",
        personas=("county_staff", "unit_handler", "village_agent"),
        fields=("status", "page"),
    ),
    "accountability:correction_order": Route(
        lambda w, p: f"/accountability/orders/{p.get('pk', _order(w))}/",
        personas=("county_staff", "unit_handler", "village_agent"),
        path_params={"pk": "int"},
    ),
    "accountability:correction_report": Route(
        lambda w, p: f"/accountability/orders/{p.get('pk', _order(w))}/report/",
        "post",
        personas=("unit_handler", "county_staff"),
        fields=("version", "report"),
        path_params={"pk": "int"},
    ),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_input_is_never_a_server_error(route: str, world: World) -> None:  # noqa: F811
    # The world's matter was routed on 6 月 1 日 and never accepted: a month later the county orders it.
    world.flow.later(days=30)
    world.flow.act(
        correction_order,
        world.personas.county_staff,
        world.matter,
        failure=FailureKind.NOT_ACCEPTED,
        instructions="即日受理并书面告知信访人",
        due_date=world.flow.today + datetime.timedelta(days=10),
    )
    fuzz_route(ROUTES, route, world)
